using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;

namespace Threshold.Web.Tests;

/// <summary>
/// A password that was replaced within the last 12 months gets "That's an old password. Your
/// password was changed on …" with a "Forgot password?" link; after that, the generic message.
/// </summary>
public sealed class OldPasswordHintTests
{
    private static readonly DateTimeOffset ChangedAt = new(2026, 3, 3, 9, 30, 0, TimeSpan.Zero);

    [Fact]
    public async Task The_old_password_after_a_change_names_the_date_of_the_change_until_12_months_have_passed()
    {
        var clock = new FakeTimeProvider(ChangedAt.AddDays(-2));
        await using var app = new ThresholdFactory { Clock = clock };
        var user = await app.RegisteredUserAsync();

        clock.SetUtcNow(ChangedAt);
        using var browser = new Browser(app);
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var newPassword = "Brand new harbour light " + user.Username[^4..];
        var changed = await browser.ChangePasswordAsync(user.Password, newPassword);
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Null(changed.Alert);
        (await browser.SignOutAsync()).AssertRedirectsTo("/");

        // Some days later the old password is typed out of habit: the date is the change's, not today's.
        clock.Advance(TimeSpan.FromDays(17));
        using var later = new Browser(app);
        var wrongPage = await Page.LoadAsync(later, await later.SignInAsync(user.Username, user.Password + "#"));
        var oldResponse = await later.SignInAsync(user.Username, user.Password);
        var old = await Page.LoadAsync(later, oldResponse);

        Assert.Equal(HttpStatusCode.Unauthorized, old.Status);
        Assert.Equal(wrongPage.Status, old.Status);
        Assert.Null(oldResponse.SetCookie(Browser.SessionCookie));
        Assert.Contains("That's an old password. Your password was changed on 3 March 2026.", old.AlertText);
        var forgot = old.Document.QuerySelectorAll("form a").Where(a => Page.Normalize(a.TextContent) == "Forgot password?").ToList();
        Assert.Single(forgot);
        Assert.Equal("/recover/password", forgot[0].GetAttribute("href"));
        Assert.Null(old.Link("This wasn't me")); // the owner changed it, signed in

        var recorded = await app.EventAsync(old.Reference!);
        Assert.NotNull(recorded);
        Assert.Equal(SecurityEventKind.SignInFailed, recorded.Kind);
        Assert.Equal("old_password", recorded.Reason);
        Assert.Equal((await app.AccountAsync(user.Email))!.Id, recorded.AccountId);

        // The email address works as the identifier too, and the new password signs in.
        Assert.Contains("changed on 3 March 2026", (await Page.LoadAsync(later, await later.SignInAsync(user.Email, user.Password))).AlertText);
        using (var fresh = new Browser(app))
            (await fresh.SignInAsync(user.Username, newPassword)).AssertRedirectsTo("/account");

        // Thirteen months after the change: just a wrong password.
        clock.SetUtcNow(ChangedAt.AddMonths(13));
        using var muchLater = new Browser(app);
        var wrongNow = await Page.LoadAsync(muchLater, await muchLater.SignInAsync(user.Username, user.Password + "#"));
        var stale = await Page.LoadAsync(muchLater, await muchLater.SignInAsync(user.Username, user.Password));
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Equal(wrongNow.AlertTextWithoutReference, stale.AlertTextWithoutReference);
        Assert.DoesNotContain("old password", stale.AlertText);
        Assert.DoesNotContain(stale.Document.QuerySelectorAll("form a"), a => Page.Normalize(a.TextContent) == "Forgot password?");
        Assert.Equal("wrong_password", (await app.EventAsync(stale.Reference!))!.Reason);
        using (var fresh = new Browser(app))
            (await fresh.SignInAsync(user.Username, newPassword)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task Each_of_the_recent_old_passwords_is_recognised_with_its_own_date()
    {
        var clock = new FakeTimeProvider(ChangedAt);
        await using var app = new ThresholdFactory { Clock = clock };
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        var second = "Second harbour light " + user.Username[^4..];
        var third = "Third harbour light " + user.Username[^4..];
        Assert.Equal(HttpStatusCode.OK, (await browser.ChangePasswordAsync(user.Password, second)).Status); // 3 March
        clock.Advance(TimeSpan.FromDays(30));
        using var again = new Browser(app);
        (await again.SignInAsync(user.Username, second)).AssertRedirectsTo("/account");
        Assert.Equal(HttpStatusCode.OK, (await again.ChangePasswordAsync(second, third)).Status);         // 2 April

        using var other = new Browser(app);
        Assert.Contains("changed on 3 March 2026", (await Page.LoadAsync(other, await other.SignInAsync(user.Username, user.Password))).AlertText);
        Assert.Contains("changed on 2 April 2026", (await Page.LoadAsync(other, await other.SignInAsync(user.Username, second))).AlertText);
    }

    [Fact]
    public async Task After_a_reset_through_recovery_the_old_password_hint_also_offers_This_wasnt_me()
    {
        var clock = new FakeTimeProvider(ChangedAt);
        await using var app = new ThresholdFactory { Clock = clock };
        var user = await app.RegisteredUserAsync();

        using var browser = new Browser(app);
        var request = await browser.GetAsync("/recover/password");
        var sent = await request.Form("Send reset instructions").Fill("Email, username or phone number", user.Email).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        var body = (await app.MessageToAsync(user.Email, "password-reset")).TextBody;
        var link = System.Text.RegularExpressions.Regex.Match(body, @"https?://\S+/recover/password/reset\?token=[A-Za-z0-9_\-]+");
        Assert.True(link.Success, "No reset link in:\n" + body);
        var form = await browser.GetAsync(Site.PathOf(link.Value));
        var newPassword = "Reset harbour light " + user.Username[^4..];
        var done = await form.Form("Set new password").Fill("New password", newPassword).SubmitAsync();
        Assert.StartsWith("/signin", done.RedirectTarget());

        clock.Advance(TimeSpan.FromDays(3));
        using var other = new Browser(app);
        var old = await Page.LoadAsync(other, await other.SignInAsync(user.Username, user.Password));
        Assert.Equal(HttpStatusCode.Unauthorized, old.Status);
        Assert.Contains("That's an old password. Your password was changed on 3 March 2026.", old.AlertText);
        Assert.NotNull(old.Link("This wasn't me"));
        Assert.Equal("old_password", (await app.EventAsync(old.Reference!))!.Reason);
    }
}
