using Threshold.Core.Activity;
using Threshold.Core.Messaging;

namespace Threshold.Web.Tests;

/// <summary>
/// /account/security: the current password is required, the current and the last 3 passwords
/// are refused, every other session ends, the current one stays, and a notice is queued.
/// </summary>
public sealed class PasswordChangeTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    private static string Fresh(string label) => $"{label} harbour lantern {Guid.NewGuid().ToString("N")[..6]}";

    private static async Task AssertRefusedAsync(Page page, string field, string message)
    {
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Alert);
        Assert.NotNull(page.Reference);
        Assert.Equal(message, page.FieldError(field));
        Assert.Equal("true", page.Control(field).GetAttribute("aria-invalid"));
        Assert.Null(page.Control("Current password").GetAttribute("value"));
        Assert.Null(page.Control("New password").GetAttribute("value"));
        await Task.CompletedTask;
    }

    private async Task<bool> SignsInAsync(TestUser user, string password)
    {
        using var browser = new Browser(app);
        return (await browser.SignInAsync(user.Username, password)).StatusCode == HttpStatusCode.Found;
    }

    [Fact]
    public async Task The_current_password_is_required_and_must_be_right()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        var next = Fresh("Missing");

        await AssertRefusedAsync(await browser.ChangePasswordAsync(null, next), "Current password", "Enter your current password.");
        await AssertRefusedAsync(await browser.ChangePasswordAsync("", next), "Current password", "Enter your current password.");
        await AssertRefusedAsync(await browser.ChangePasswordAsync(user.Password + "x", next), "Current password",
            "That is not your current password. Check it and try again.");
        // A Caps-Lock-inverted current password is not the current password either.
        await AssertRefusedAsync(await browser.ChangePasswordAsync(AccountPages.InvertCase(user.Password), next), "Current password",
            "That is not your current password. Check it and try again.");

        Assert.True(await SignsInAsync(user, user.Password));
        Assert.False(await SignsInAsync(user, next));
        Assert.DoesNotContain(await app.MessagesToAsync(user.Email), m => m.Template == "password-changed");
    }

    [Fact]
    public async Task The_new_password_must_differ_from_the_current_one()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        await AssertRefusedAsync(await browser.ChangePasswordAsync(user.Password, user.Password), "New password",
            "The new password is the same as the current one. Choose a different one.");
    }

    /// <summary>
    /// Passwords are compared after NFKC normalisation (the hasher normalises), so "é" typed
    /// as e + combining accent is the same password as the composed "é". The "same as the
    /// current one" rule must see that too, not only an exact string match.
    /// </summary>
    [Fact]
    public async Task The_current_password_typed_in_another_Unicode_form_is_still_the_same_password()
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var composed = $"Caf\u00E9 harbour lantern {id}";
        var decomposed = $"Cafe\u0301 harbour lantern {id}";
        var user = TestUser.New() with { Password = composed };
        using var browser = new Browser(app);
        (await browser.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");
        (await browser.SignInAsync(user.Username, decomposed)).AssertRedirectsTo("/account"); // one password, two spellings

        await AssertRefusedAsync(await browser.ChangePasswordAsync(composed, decomposed), "New password",
            "The new password is the same as the current one. Choose a different one.");
    }

    [Fact]
    public async Task The_last_three_passwords_are_refused_and_the_fourth_oldest_is_allowed_again()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        var a = user.Password;
        var b = Fresh("Bravo");
        var c = Fresh("Charlie");
        var d = Fresh("Delta");
        var e = Fresh("Echo");
        const string reused = "You used this password recently. Choose one you have not used before.";

        foreach (var (from, to) in new[] { (a, b), (b, c), (c, d) })
            Assert.Equal(HttpStatusCode.OK, (await browser.ChangePasswordAsync(from, to)).Status);

        // Current d; history a, b, c.
        await AssertRefusedAsync(await browser.ChangePasswordAsync(d, d), "New password",
            "The new password is the same as the current one. Choose a different one.");
        foreach (var old in new[] { c, b, a })
            await AssertRefusedAsync(await browser.ChangePasswordAsync(d, old), "New password", reused);
        Assert.True(await SignsInAsync(user, d));

        // Current e; history b, c, d: a has dropped out of the last three.
        Assert.Equal(HttpStatusCode.OK, (await browser.ChangePasswordAsync(d, e)).Status);
        foreach (var old in new[] { d, c, b })
            await AssertRefusedAsync(await browser.ChangePasswordAsync(e, old), "New password", reused);
        var again = await browser.ChangePasswordAsync(e, a);
        Assert.Equal(HttpStatusCode.OK, again.Status);
        Assert.True(await SignsInAsync(user, a));
    }

    [Fact]
    public async Task A_weak_new_password_is_refused_with_the_policy_message()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        var page = await browser.ChangePasswordAsync(user.Password, "short");
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("at least", page.FieldError("New password"));
        Assert.True(await SignsInAsync(user, user.Password));
    }

    [Fact]
    public async Task A_change_ends_every_other_session_keeps_this_one_and_queues_a_notice()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        using var other = new Browser(app);
        (await other.SignInAsync(user.Email, user.Password)).AssertRedirectsTo("/account");
        using var third = new Browser(app);
        (await third.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        Assert.Equal(3, await app.SessionCountAsync(accountId));
        var next = Fresh("Changed");

        var page = await browser.ChangePasswordAsync(user.Password, next);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var status = page.Document.QuerySelector("[role=status]");
        Assert.NotNull(status);
        Assert.Contains("password was changed", Page.Normalize(status.TextContent));

        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).Status);
        foreach (var signedOut in new[] { other, third })
        {
            var response = await signedOut.Http.GetAsync("/account", Ct);
            Assert.Equal(HttpStatusCode.Found, response.StatusCode);
            Assert.StartsWith("/signin", response.RedirectTarget());
        }
        Assert.Equal(1, await app.SessionCountAsync(accountId));

        var notice = await app.MessageToAsync(user.Email, "password-changed");
        Assert.Equal(MessageChannel.Email, notice.Channel);
        Assert.Contains(user.Username, notice.TextBody);
        Assert.Matches(Page.ReferencePattern(), notice.TextBody);
        Assert.DoesNotContain(next, notice.TextBody);
        Assert.DoesNotContain(user.Password, notice.TextBody);

        var changedEvent = await app.EventAsync(notice.ReferenceCode);
        Assert.NotNull(changedEvent);
        Assert.Equal(SecurityEventKind.PasswordChanged, changedEvent.Kind);
        Assert.Equal(accountId, changedEvent.AccountId);

        Assert.False(await SignsInAsync(user, user.Password));
        Assert.True(await SignsInAsync(user, next));
    }

    [Fact]
    public async Task Signed_out_visitors_cannot_change_a_password()
    {
        using var browser = new Browser(app);
        var response = await browser.Http.GetAsync("/account/security", Ct);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.StartsWith("/signin", response.RedirectTarget());
    }
}
