using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// Page objects and data helpers for "Forgot password?": /recover/password (request, choice),
/// /recover/password/reset (the emailed link), /recover/password/code (the texted code).
/// </summary>
public static partial class RecoveryPages
{
    public const string RequestButton = "Send reset instructions";
    public const string IdentifierLabel = "Email, username or phone number";
    public const string SetPasswordButton = "Set new password";
    public const string NewPasswordLabel = "New password";
    public const string CodeLabel = "Code from the text message";
    /// <summary>The cookie that binds a texted code to the browser that asked for it (plain http: no __Host- prefix).</summary>
    public const string BindingCookie = "Threshold.Recovery";

    /// <summary>The browser's binding cookie (path /recover, so <see cref="Browser.Cookie"/> at / does not see it), or null.</summary>
    public static string? BindingCookieOf(Browser browser) =>
        browser.Cookies.GetCookies(new Uri(browser.BaseAddress, "/recover/password/code"))[BindingCookie]?.Value is { Length: > 0 } v ? v : null;

    /// <summary>A fixed start, so dates in messages do not depend on the day the tests run.</summary>
    public static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);

    /// <summary>An app on a fake clock whose browsers each come from their own network (see <see cref="TestNetwork"/>).</summary>
    public static ThresholdFactory NewApp(FakeTimeProvider clock, IDictionary<string, string?>? settings = null, LogCollector? logs = null,
        bool logEverything = false) => new()
        {
            Clock = clock,
            Settings = settings ?? new Dictionary<string, string?>(),
            TestServices = TestNetwork.Install,
            Logs = logs,
            LogEverything = logEverything,
        };

    /// <summary>A browser with its own cookie jar and its own client address (so per-network limits do not mix tests up).</summary>
    public static Browser NewBrowser(this ThresholdFactory app) => new Browser(app).FromNetwork(TestNetwork.NextAddress());

    // ------------------------------------------------------------------ request

    public static async Task<Form> ResetRequestFormAsync(this Browser browser, string identifier)
    {
        var page = await browser.GetAsync("/recover/password");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page.Form(RequestButton).Fill(IdentifierLabel, identifier);
    }

    /// <summary>Fills "Email, username or phone number" on /recover/password and presses "Send reset instructions".</summary>
    public static async Task<HttpResponseMessage> RequestResetAsync(this Browser browser, string identifier) =>
        await (await browser.ResetRequestFormAsync(identifier)).SubmitAsync();

    public static async Task<Page> RequestResetAndLoadAsync(this Browser browser, string identifier) =>
        await Page.LoadAsync(browser, await browser.RequestResetAsync(identifier));

    // --------------------------------------------------------------------- link

    [GeneratedRegex(@"https?://\S+/recover/password/reset\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex ResetLinkPattern();

    [GeneratedRegex(@"(?<![0-9])[0-9]{6,8}(?![0-9])")]
    private static partial Regex CodePattern();

    public static string ResetLinkIn(string textBody) =>
        ResetLinkPattern().Match(textBody) is { Success: true } m
            ? m.Value
            : throw new Xunit.Sdk.XunitException("No reset link in the message:\n" + textBody);

    public static string CodeIn(string textBody) =>
        CodePattern().Match(textBody) is { Success: true } m
            ? m.Value
            : throw new Xunit.Sdk.XunitException("No code in the text message:\n" + textBody);

    /// <summary>Every "password-reset" message to <paramref name="to"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<OutboxMessage>> ResetMessagesToAsync(this ThresholdFactory app, string to) =>
        (await app.MessagesToAsync(to)).Where(m => m.Template == "password-reset").OrderBy(m => m.CreatedAt).ToList();

    /// <summary>The newest "password-reset" message to <paramref name="to"/> (there must be one, and only one at that moment).</summary>
    public static async Task<OutboxMessage> NewestResetMessageToAsync(this ThresholdFactory app, string to)
    {
        var messages = await app.ResetMessagesToAsync(to);
        Assert.True(messages.Count > 0, $"No \"password-reset\" message to {to}");
        var newest = messages[^1];
        Assert.True(messages.Count(m => m.CreatedAt == newest.CreatedAt) == 1, "Two reset messages were queued at the same moment: advance the clock between requests");
        return newest;
    }

    /// <summary>The link in the newest reset email to <paramref name="email"/>.</summary>
    public static async Task<string> ResetLinkAsync(this ThresholdFactory app, string email)
    {
        var message = await app.NewestResetMessageToAsync(email);
        Assert.Equal(MessageChannel.Email, message.Channel);
        return ResetLinkIn(message.TextBody);
    }

    /// <summary>The code in the newest reset text message to <paramref name="e164"/>.</summary>
    public static async Task<string> ResetCodeAsync(this ThresholdFactory app, string e164)
    {
        var message = await app.NewestResetMessageToAsync(e164);
        Assert.Equal(MessageChannel.Sms, message.Channel);
        return CodeIn(message.TextBody);
    }

    /// <summary>The ticket behind a link's token, read straight from the database.</summary>
    public static Task<ResetTicket?> TicketAsync(this ThresholdFactory app, string token) =>
        app.QueryAsync(db => db.ResetTickets.AsNoTracking().FirstOrDefaultAsync(t => t.SecretHash == SecretToken.Hash(token), Ct));

    public static Task<int> TicketCountAsync(this ThresholdFactory app) => app.QueryAsync(db => db.ResetTickets.CountAsync(Ct));

    /// <summary>Opens the link and submits the form on it with a new password.</summary>
    public static async Task<HttpResponseMessage> ResetWithLinkAsync(this Browser browser, string link, string newPassword)
    {
        var page = await browser.GetAsync(Site.PathOf(link));
        Assert.True(page.Status == HttpStatusCode.OK, $"The reset link answered {(int)page.Status}: {page.MainText}");
        return await page.Form(SetPasswordButton).Fill(NewPasswordLabel, newPassword).SubmitAsync();
    }

    /// <summary>
    /// POSTs the reset form by hand: <paramref name="token"/> as the form's token field, an antiforgery token
    /// (from /recover/password) unless <paramref name="antiforgery"/> is false.
    /// </summary>
    public static async Task<Page> PostResetAsync(this Browser browser, string? token, string? newPassword, bool antiforgery = true)
    {
        var fields = new List<KeyValuePair<string, string>>();
        if (antiforgery) fields.Add(new("__RequestVerificationToken", await browser.AntiforgeryTokenAsync("/recover/password")));
        if (token is not null) fields.Add(new("token", token));
        if (newPassword is not null) fields.Add(new("Input.NewPassword", newPassword));
        return await Page.LoadAsync(browser, await browser.PostFormAsync("/recover/password/reset", fields));
    }

    // --------------------------------------------------------------------- code

    /// <summary>Fills the code and the new password on /recover/password/code and presses "Set new password".</summary>
    public static async Task<Page> EnterCodeAsync(this Browser browser, string? code, string newPassword)
    {
        var page = await browser.GetAsync("/recover/password/code");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var form = page.Form(SetPasswordButton).Fill(NewPasswordLabel, newPassword);
        if (code is not null) form.Fill(CodeLabel, code);
        return await form.SubmitAndLoadAsync();
    }

    /// <summary>Gives an account a confirmed phone number, as the (future) phone verification would.</summary>
    public static Task SetConfirmedPhoneAsync(this ThresholdFactory app, string email, string e164) =>
        app.QueryAsync(async db =>
        {
            var normalized = email.ToUpperInvariant();
            var changed = await db.Users.Where(a => a.NormalizedEmail == normalized)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.PhoneNumber, e164).SetProperty(a => a.PhoneNumberConfirmed, true), Ct);
            Assert.Equal(1, changed);
            return changed;
        });

    // ------------------------------------------------------------------ results

    /// <summary>Whether a fresh browser signs in with these credentials (to /account).</summary>
    public static async Task<bool> SignsInAsync(this ThresholdFactory app, string identifier, string password)
    {
        using var browser = app.NewBrowser();
        var response = await browser.SignInAsync(identifier, password);
        return response.StatusCode == HttpStatusCode.Found && response.RedirectTarget() == "/account";
    }

    /// <summary>The text of the field error linked to <paramref name="label"/>'s control through aria-describedby, or null.</summary>
    public static string? FieldErrorFor(this Page page, string label) =>
        page.DescriptionsOf(label).FirstOrDefault(e => e.ClassList.Contains("field-error")) is { } e ? Page.Normalize(e.TextContent) : null;

    /// <summary>The main text with the reference code (different on every answer) taken out.</summary>
    public static string MainTextWithoutReference(this Page page) => Page.Normalize(Page.ReferencePattern().Replace(page.MainText, ""));

    /// <summary>Makes a user for this test whose email starts with <paramref name="emailPrefix"/> at example.com.</summary>
    public static TestUser NewUser(string emailPrefix = "person")
    {
        var id = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(5));
        return new($"{emailPrefix}.{id}@example.com", $"User_{id}", $"Quiet harbor lantern {id[..4]}");
    }

    /// <summary>Registers <paramref name="user"/> through the form (from its own network).</summary>
    public static async Task<TestUser> RegisterAsync(this ThresholdFactory app, TestUser user)
    {
        using var browser = app.NewBrowser();
        (await browser.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");
        return user;
    }
}

/// <summary>
/// The test server has no client address; this gives each test browser its own one (the per-network
/// rate limit of the recovery forms would otherwise count every test browser as one network).
/// </summary>
public static class TestNetwork
{
    public const string Header = "X-Test-Network-Address";
    private static int _next = Random.Shared.Next(1, 1 << 20);

    public static void Install(IServiceCollection services) => services.AddTransient<IStartupFilter, Filter>();

    public static string NextAddress()
    {
        var n = Interlocked.Increment(ref _next);
        return $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }

    public static Browser FromNetwork(this Browser browser, string address)
    {
        browser.Http.DefaultRequestHeaders.Remove(Header);
        browser.Http.DefaultRequestHeaders.Add(Header, address);
        return browser;
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var address))
                    context.Connection.RemoteIpAddress = address;
                return following(context);
            });
            next(app);
        };
    }
}
