using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Threshold.Store;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// "Forgot password?" as a person walks it, with the email read from a real SMTP server (smtp4dev):
/// ask, open the link, set a new password (after one the policy refuses), sign in with it; an
/// expired link explains itself and sends a new one. axe (WCAG A/AA) on every page.
/// </summary>
public sealed partial class PasswordResetJourney(SmtpThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>, IClassFixture<SmtpThresholdServer>
{
    private const string ResetSubject = "Reset your";

    [GeneratedRegex(@"https?://\S+/recover/password/reset\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex ResetLink();

    private string LinkIn(Smtp4DevMailbox.Message message)
    {
        var link = ResetLink().Match(message.PlainText);
        Assert.True(link.Success, "No reset link in the email:\n" + message.PlainText);
        Assert.StartsWith(Server.Origin + "/recover/password/reset?token=", link.Value);
        return link.Value;
    }

    private async Task AskForResetAsync(IPage page, string identifier)
    {
        await page.GetByLabel("Email, username or phone number").FillAsync(identifier);
        await page.GetByRole(AriaRole.Button, new() { Name = "Send reset instructions" }).ClickAsync();
        await Expect(Heading(page)).ToHaveTextAsync("Check your email");
    }

    [Fact]
    public async Task Ask_for_a_link_by_email_open_it_set_a_new_password_and_sign_in_with_it()
    {
        var mail = server.Mail;
        var person = Person.New();
        await RegisterAsync(Page, person);

        await HeaderNav(Page).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Forgot password?" }).ClickAsync();
        await ExpectPathAsync(Page, "/recover/password");
        await Expect(Heading(Page)).ToHaveTextAsync("Forgot password?");
        await CheckPageAsync("the forgot-password request page");

        await AskForResetAsync(Page, person.Email);
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("30 minutes");
        await CheckPageAsync("the check-your-email page after asking for a reset");

        var email = (await mail.WaitForAsync(person.Email, ResetSubject)).Single();
        Assert.Contains(person.Username, email.PlainText);
        var link = LinkIn(email);

        await Page.GotoAsync(link);
        await Expect(Heading(Page)).ToHaveTextAsync("Choose a new password");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await CheckPageAsync("the reset form");

        var newPassword = PasswordField(Page, "New password");
        await newPassword.FillAsync("short");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await Expect(newPassword).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Heading(Page)).ToHaveTextAsync("Choose a new password");
        await CheckPageAsync("the reset form showing an error");

        var chosen = "amber lighthouse " + Guid.NewGuid().ToString("N")[..8] + " tide";
        await newPassword.FillAsync(chosen);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await ExpectPathAsync(Page, "/signin?reset=done");
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "Your password was changed" })).ToContainTextAsync("Your password was changed");
        await CheckPageAsync("the sign-in page saying the password was changed");

        await Page.GetByLabel("Email or username").FillAsync(person.Username);
        await PasswordField(Page).FillAsync(chosen);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
        await CheckPageAsync("the account page after signing in with the new password");

        // The "password changed" notice came through SMTP too.
        var notice = (await mail.WaitForAsync(person.Email, "password was changed")).Single();
        Assert.DoesNotContain(chosen, notice.PlainText);
    }

    [Fact]
    public async Task An_expired_link_explains_itself_and_sends_a_new_one_in_one_click()
    {
        var mail = server.Mail;
        var person = Person.New();
        await RegisterAsync(Page, person);
        await Page.GotoAsync("/recover/password");
        await AskForResetAsync(Page, person.Username);
        var link = LinkIn((await mail.WaitForAsync(person.Email, ResetSubject)).Single());

        server.Clock.Advance(TimeSpan.FromMinutes(31));
        var reader = await NewPageInNewContextAsync();   // opened later, from the mail app
        var response = await reader.GotoAsync(link);
        Assert.Equal(410, response!.Status);
        await Expect(Heading(reader)).ToHaveTextAsync("This link has expired");
        await Expect(reader.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await CheckPageAsync(reader, "the expired link page");

        await reader.GetByRole(AriaRole.Button, new() { Name = "Send a new link" }).ClickAsync();
        await Expect(Heading(reader)).ToHaveTextAsync("Check your email");
        await CheckPageAsync(reader, "the page after sending a new link");
        var fresh = LinkIn((await mail.WaitForAsync(person.Email, ResetSubject, count: 2))[^1]);
        Assert.NotEqual(link, fresh);

        await reader.GotoAsync(fresh);
        await Expect(Heading(reader)).ToHaveTextAsync("Choose a new password");
    }

    [Fact]
    public async Task With_an_email_and_a_phone_choose_a_text_message_and_enter_the_code()
    {
        var person = Person.New();
        var phone = "+44207946" + Random.Shared.Next(1000, 9999);
        await RegisterAsync(Page, person);
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ThresholdDbContext>();
            var normalized = person.Email.ToUpperInvariant();
            Assert.Equal(1, await db.Users.Where(a => a.NormalizedEmail == normalized)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.PhoneNumber, phone).SetProperty(a => a.PhoneNumberConfirmed, true), TestContext.Current.CancellationToken));
        }

        await Page.GotoAsync("/recover/password");
        await Page.GetByLabel("Email, username or phone number").FillAsync(person.Username);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send reset instructions" }).ClickAsync();
        await Expect(Heading(Page)).ToHaveTextAsync("Where should we send it?");
        var byText = Page.GetByLabel($"Text message to {phone[..3]} •••• ••• {phone[^3..]} (a code)");
        await Expect(byText).ToBeVisibleAsync();
        await Expect(Page.GetByLabel("Email to a•••@example.com (a link)")).ToBeCheckedAsync();
        await CheckPageAsync("the choice between email and text message");

        await byText.CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send" }).ClickAsync();
        await ExpectPathAsync(Page, "/recover/password/code");
        await Expect(Heading(Page)).ToHaveTextAsync("Enter the code");
        await CheckPageAsync("the code page");

        string code;
        await using (var scope = server.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<ThresholdDbContext>();
            var text = await db.OutboxMessages.Where(m => m.To == phone && m.Template == "password-reset").Select(m => m.TextBody).SingleAsync(TestContext.Current.CancellationToken);
            code = Regex.Match(text, "(?<![0-9])[0-9]{6}(?![0-9])").Value;
        }
        Assert.Matches("^[0-9]{6}$", code);

        var chosen = "coral signal " + Guid.NewGuid().ToString("N")[..8] + " harbour";
        await Page.GetByLabel("Code from the text message").FillAsync(code == "000000" ? "111111" : "000000");
        await PasswordField(Page, "New password").FillAsync(chosen);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That code is not right");
        await Expect(Page.GetByLabel("Code from the text message")).ToHaveAttributeAsync("aria-invalid", "true");
        await CheckPageAsync("the code page showing a wrong code");

        await Page.GetByLabel("Code from the text message").FillAsync(code);
        await PasswordField(Page, "New password").FillAsync(chosen);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await ExpectPathAsync(Page, "/signin?reset=done");
        await Page.GetByLabel("Email or username").FillAsync(person.Email);
        await PasswordField(Page).FillAsync(chosen);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
    }

    private static ILocator PasswordField(IPage page, string label) => page.GetByLabel(label, new() { Exact = true });
}
