using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Threshold.Web.Tests;

/// <summary>No secret ever reaches the log: passwords, verification tokens, session tokens, cookies.</summary>
public sealed class LoggingTests
{
    private static async Task<List<(string What, string Secret)>> RunJourneyAsync(ThresholdFactory app)
    {
        var user = TestUser.New();
        using var browser = new Browser(app);
        var link = await browser.RegisterAndGetLinkAsync(app, user);
        var binding = browser.Cookie(Browser.RegistrationCookie)!;
        var confirm = await browser.GetAsync(Site.PathOf(link));
        (await confirm.Form("Confirm email address").SubmitAsync()).AssertRedirectsTo("/account");
        (await browser.SignOutAsync()).AssertRedirectsTo("/");

        (await browser.SignInAsync(user.Email, user.Password)).AssertRedirectsTo("/account");
        var cookie = browser.Cookie(Browser.SessionCookie)!;
        var options = app.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(CookieAuthenticationDefaults.AuthenticationScheme);
        var sessionToken = options.TicketDataFormat.Unprotect(cookie)!.Principal.FindFirst("threshold:session")!.Value;
        Assert.Equal(43, sessionToken.Length);
        (await browser.SignOutAsync()).AssertRedirectsTo("/");

        using var other = new Browser(app);
        var wrongPassword = user.Password + " typo";
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SignInAsync(user.Username, wrongPassword)).StatusCode);
        var unknownPassword = "Unknown account password " + Guid.NewGuid().ToString("N")[..6];
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.SignInAsync(TestUser.UniqueEmail(), unknownPassword)).StatusCode);

        return
        [
            ("password", user.Password), ("wrong password", wrongPassword), ("password for an unknown account", unknownPassword),
            ("verification token", Mail.TokenOf(link)), ("session token", sessionToken), ("session cookie", cookie),
            ("registration binding", binding),
        ];
    }

    private static void AssertNoSecretIn(LogCollector logs, IEnumerable<(string What, string Secret)> secrets)
    {
        Assert.NotEmpty(logs.Lines);
        var leaks = secrets
            .Select(s => (s.What, Lines: logs.Lines.Where(l => l.Contains(s.Secret, StringComparison.Ordinal)).ToList()))
            .Where(s => s.Lines.Count > 0)
            .Select(s => $"The {s.What} appears in {s.Lines.Count} log line(s), e.g.\n  {s.Lines[0]}")
            .ToList();
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
    }

    [Fact]
    public async Task With_the_shipped_log_levels_no_secret_is_logged()
    {
        var logs = new LogCollector();
        await using var app = new ThresholdFactory { Logs = logs };
        var secrets = await RunJourneyAsync(app);
        AssertNoSecretIn(logs, secrets);
    }

    [Fact]
    public async Task With_every_configured_category_at_Trace_no_secret_is_logged()
    {
        var logs = new LogCollector();
        await using var app = new ThresholdFactory { Logs = logs, LogEverything = true };
        var secrets = await RunJourneyAsync(app);
        Assert.Contains(logs.Lines, l => l.StartsWith("Debug Microsoft.AspNetCore", StringComparison.Ordinal));
        AssertNoSecretIn(logs, secrets);
    }
}
