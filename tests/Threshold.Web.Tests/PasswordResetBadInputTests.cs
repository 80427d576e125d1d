using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Flows.Recovery;
using static Threshold.Web.Tests.Infrastructure.RecoveryPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Bad input on the reset link: tampered, truncated or doubled tokens, a link for A used while signed
/// in as B, a POST without antiforgery, new passwords the policy refuses. Each is answered clearly and
/// none uses the token or changes anything.
/// </summary>
public sealed class PasswordResetBadInputTests
{
    private static string Fresh(string label) => $"{label} granite willow {Guid.NewGuid().ToString("N")[..6]}";

    private static async Task<(ThresholdFactory App, TestUser User, string Link)> LinkAsync()
    {
        var app = NewApp(new FakeTimeProvider(Start));
        var user = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.RequestResetAsync(user.Email)).StatusCode);
        return (app, user, await app.ResetLinkAsync(user.Email));
    }

    /// <summary>The link still works (unused), the password is unchanged and nothing new was queued.</summary>
    private static async Task AssertNothingChangedAsync(ThresholdFactory app, TestUser user, string link, int outbox)
    {
        Assert.Null((await app.TicketAsync(Mail.TokenOf(link)))!.UsedAt);
        Assert.Equal(outbox, await app.OutboxCountAsync());
        Assert.True(await app.SignsInAsync(user.Username, user.Password));
        using var browser = app.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Site.PathOf(link))).Status);
    }

    public static TheoryData<string> Mangled => ["tampered", "truncated", "doubled", "extended", "empty", "missing", "padded", "case-flipped"];

    private static string? Mangle(string token, string how) => how switch
    {
        // One character in the middle changed to another valid base64url character.
        "tampered" => token[..20] + (token[20] == 'A' ? 'B' : 'A') + token[21..],
        "truncated" => token[..^1],
        "doubled" => token + token,
        "extended" => token + "A",
        "empty" => "",
        "missing" => null,
        "padded" => token + "=",
        "case-flipped" => new string(token.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)).ToArray()),
        _ => throw new ArgumentOutOfRangeException(nameof(how)),
    };

    [Theory]
    [MemberData(nameof(Mangled))]
    public async Task A_mangled_token_is_not_valid_on_open_and_on_submit_and_uses_nothing(string how)
    {
        var (app, user, link) = await LinkAsync();
        await using var _ = app;
        var token = Mail.TokenOf(link);
        var bad = Mangle(token, how);
        var outbox = await app.OutboxCountAsync();
        using var browser = app.NewBrowser();

        var open = await browser.GetAsync(bad is null ? "/recover/password/reset" : "/recover/password/reset?token=" + Uri.EscapeDataString(bad));
        Assert.Equal(HttpStatusCode.BadRequest, open.Status);
        Assert.Equal("This link is not valid", open.Heading);
        Assert.NotNull(open.Reference);
        Assert.False(open.HasControl(NewPasswordLabel));
        Assert.NotNull(open.Link("Ask for a new link"));

        var posted = await browser.PostResetAsync(bad, Fresh("Mangled"));
        Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        Assert.Equal("This link is not valid", posted.Heading);

        // "Send a new link" with it sends nothing.
        var resend = await browser.PostFormAsync("/recover/password/reset?handler=Resend",
            [new("__RequestVerificationToken", await browser.AntiforgeryTokenAsync("/recover/password")), new("token", bad ?? "")]);
        Assert.Equal(HttpStatusCode.BadRequest, resend.StatusCode);

        await AssertNothingChangedAsync(app, user, link, outbox);
    }

    [Fact]
    public async Task A_link_for_A_used_while_signed_in_as_B_resets_A_only_and_B_stays_signed_in()
    {
        var (app, alice, link) = await LinkAsync();
        await using var _ = app;
        var bob = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        (await browser.SignInAsync(bob.Username, bob.Password)).AssertRedirectsTo("/account");

        var open = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, open.Status);
        Assert.Contains(alice.Username, open.MainText);
        Assert.DoesNotContain(bob.Username, open.MainText);

        var next = Fresh("For Alice");
        var done = await open.Form(SetPasswordButton).Fill(NewPasswordLabel, next).SubmitAsync();
        Assert.Equal(HttpStatusCode.Found, done.StatusCode);
        Assert.StartsWith("/signin", done.RedirectTarget());

        Assert.True(await app.SignsInAsync(alice.Username, next));
        Assert.False(await app.SignsInAsync(alice.Username, alice.Password));
        Assert.True(await app.SignsInAsync(bob.Username, bob.Password));
        var account = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, account.Status);
        Assert.Contains(bob.Username, account.MainText);
        Assert.DoesNotContain(await app.MessagesToAsync(bob.Email), m => m.Template == "password-changed");
    }

    [Fact]
    public async Task A_reset_post_without_or_with_a_forged_antiforgery_token_is_400_and_uses_nothing()
    {
        var (app, user, link) = await LinkAsync();
        await using var _ = app;
        var outbox = await app.OutboxCountAsync();
        using var browser = app.NewBrowser();
        var page = await browser.GetAsync(Site.PathOf(link));

        var without = await page.Form(SetPasswordButton).Fill(NewPasswordLabel, Fresh("No token")).Set("__RequestVerificationToken", null).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, without.Status);
        Assert.NotNull(without.Reference);
        var forged = await page.Form(SetPasswordButton).Fill(NewPasswordLabel, Fresh("Forged")).Set("__RequestVerificationToken", "forged").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        // From another browser (whose antiforgery cookie does not match the token).
        using var other = app.NewBrowser();
        var foreign = await other.PostFormAsync(Site.PathOf(link), page.Form(SetPasswordButton).Fill(NewPasswordLabel, Fresh("Foreign")).Fields);
        Assert.Equal(HttpStatusCode.BadRequest, foreign.StatusCode);

        await AssertNothingChangedAsync(app, user, link, outbox);
    }

    public static TheoryData<string, string> WeakPasswords => new()
    {
        { "short", "Use at least 8 characters" },
        { "password123", "one of the most common passwords" },
        { "", "Enter your password." },
    };

    [Theory]
    [MemberData(nameof(WeakPasswords))]
    public async Task A_new_password_the_policy_refuses_gets_a_field_error_and_the_link_keeps_working(string weak, string message)
    {
        var (app, user, link) = await LinkAsync();
        await using var _ = app;
        var outbox = await app.OutboxCountAsync();
        using var browser = app.NewBrowser();

        var refused = await Page.LoadAsync(browser, await browser.ResetWithLinkAsync(link, weak));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.NotNull(refused.Alert);
        Assert.NotNull(refused.Reference);
        Assert.Contains(message, refused.FieldErrorFor(NewPasswordLabel));
        Assert.Equal("true", refused.Control(NewPasswordLabel).GetAttribute("aria-invalid"));
        Assert.Null(refused.Control(NewPasswordLabel).GetAttribute("value"));
        Assert.Contains(user.Username, refused.MainText);
        await AssertNothingChangedAsync(app, user, link, outbox);

        // The same form, corrected, works.
        var next = Fresh("Better");
        (await refused.Form(SetPasswordButton).Fill(NewPasswordLabel, next).SubmitAsync()).AssertRedirectsTo("/signin?reset=done");
        Assert.True(await app.SignsInAsync(user.Username, next));
    }

    [Fact]
    public async Task The_current_password_and_the_last_three_are_refused_as_reused()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        var a = user.Password;
        var (b, c, d) = (Fresh("Bravo"), Fresh("Charlie"), Fresh("Delta"));
        using (var owner = app.NewBrowser())
        {
            (await owner.SignInAsync(user.Username, a)).AssertRedirectsTo("/account");
            foreach (var (from, to) in new[] { (a, b), (b, c), (c, d) })
            {
                var changed = await (await owner.GetAsync("/account/security")).Form("Change password")
                    .Fill("Current password", from).Fill("New password", to).SubmitAndLoadAsync();
                Assert.True(changed.Status == HttpStatusCode.OK && changed.Alert is null, changed.AlertText);
                clock.Advance(TimeSpan.FromMinutes(1));
            }
        }
        using var browser = app.NewBrowser();
        await browser.RequestResetAsync(user.Email);
        var link = await app.ResetLinkAsync(user.Email);

        foreach (var reused in new[] { d, c, b, a })
        {
            var refused = await Page.LoadAsync(browser, await browser.ResetWithLinkAsync(link, reused));
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Equal("You used this password recently. Choose one you have not used before.", refused.FieldErrorFor(NewPasswordLabel));
        }
        Assert.Null((await app.TicketAsync(Mail.TokenOf(link)))!.UsedAt);
        Assert.True(await app.SignsInAsync(user.Username, d));

        var next = Fresh("Echo");
        (await browser.ResetWithLinkAsync(link, next)).AssertRedirectsTo("/signin?reset=done");
        Assert.True(await app.SignsInAsync(user.Username, next));
    }

    public static TheoryData<string> LongIdentifiers => new()
    {
        new string('a', 300) + "@example.com",
        new string('b', 400),
        "+44 " + string.Join(" ", Enumerable.Repeat("7946 0123", 40)),
    };

    [Theory]
    [MemberData(nameof(LongIdentifiers))]
    public async Task A_very_long_identifier_is_answered_without_fault_and_stored_within_the_declared_column_length(string identifier)
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        using var browser = app.NewBrowser();

        var response = await browser.RequestResetAsync(identifier);

        Assert.True((int)response.StatusCode is 200 or 302 or 400, $"answered {(int)response.StatusCode}");
        // SQLite does not enforce varchar lengths; PostgreSQL (the scale-out database) does, and would fail the insert.
        var (maxKey, keys) = await app.QueryAsync(async db => (
            db.Model.FindEntityType(typeof(ResetTicket))!.FindProperty(nameof(ResetTicket.RequestKey))!.GetMaxLength(),
            await db.ResetTickets.Select(t => t.RequestKey).ToListAsync(Ct)));
        Assert.NotNull(maxKey);
        Assert.All(keys, k => Assert.True(k.Length <= maxKey,
            $"A RequestKey of {k.Length} characters was stored; the column holds {maxKey} (character varying({maxKey}) on PostgreSQL)."));
    }
}
