using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>What a person sees when something is wrong: one alert at the top, a reference code, field errors tied to their fields.</summary>
public sealed class SignInAndRegistrationErrors(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    private const string Generic = "That email, username or password is not right. Check them and try again, or use \"Forgot password?\".";

    [Fact]
    public async Task A_wrong_password_shows_the_generic_alert_with_a_reference_and_keeps_the_identifier()
    {
        var person = Person.New();
        await RegisterAsync(Page, person);

        await Page.GotoAsync("/signin");
        await Page.GetByLabel("Email or username").FillAsync(person.Username);
        await PasswordField(Page).FillAsync("not the password at all");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        await ExpectPathAsync(Page, "/signin");
        await Expect(Heading(Page)).ToHaveTextAsync("Sign in");
        var alert = Page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToHaveCountAsync(1);
        await Expect(alert).ToContainTextAsync(Generic);
        await Expect(alert).ToContainTextAsync(ReferenceCode());
        await Expect(alert).ToBeFocusedAsync();
        await Expect(Page.GetByLabel("Email or username")).ToHaveValueAsync(person.Username);
        await Expect(PasswordField(Page)).ToHaveValueAsync("");
        await Expect(HeaderNav(Page).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();

        if (Environment.GetEnvironmentVariable("THRESHOLD_SCREENSHOTS") is { Length: > 0 } folder)
            await Page.ScreenshotAsync(new() { Path = Path.Combine(folder, "signin-error.png"), FullPage = true });
        await CheckPageAsync("the sign-in page after a wrong password");
    }

    [Fact]
    public async Task An_unknown_account_gets_the_same_alert_as_a_wrong_password_but_its_own_reference()
    {
        var person = Person.New();
        await RegisterAsync(Page, person);

        var wrongPassword = await FailedSignInAlertAsync(person.Username, "not the password at all");
        var unknownAccount = await FailedSignInAlertAsync("nobody." + person.Username, "not the password at all");

        Assert.Equal(ReferenceCode().Replace(wrongPassword, "Reference: …"), ReferenceCode().Replace(unknownAccount, "Reference: …"));
        Assert.NotEqual(ReferenceCode().Match(wrongPassword).Value, ReferenceCode().Match(unknownAccount).Value);
        await CheckPageAsync("the sign-in page after an unknown account");
    }

    [Fact]
    public async Task A_too_short_password_shows_a_field_error_the_password_field_is_described_by()
    {
        var person = Person.New();
        await Page.GotoAsync("/register");
        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync(person.Email);
        await Page.GetByLabel("Username", new() { Exact = true }).FillAsync(person.Username);
        await PasswordField(Page).FillAsync("short12");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();

        await ExpectPathAsync(Page, "/register");
        await Expect(Heading(Page)).ToHaveTextAsync("Create account");
        var alert = Page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToHaveCountAsync(1);
        await Expect(alert).ToContainTextAsync("Please correct the following and try again.");
        await Expect(alert).ToContainTextAsync(ReferenceCode());
        await Expect(Page.GetByLabel("Email", new() { Exact = true })).ToHaveValueAsync(person.Email);
        await Expect(Page.GetByLabel("Username", new() { Exact = true })).ToHaveValueAsync(person.Username);

        // The field's own error is tied to it, so a screen reader reads it with the field.
        var password = PasswordField(Page);
        await Expect(password).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(password).ToHaveValueAsync("");
        var describedBy = await password.GetAttributeAsync("aria-describedby") ?? "";
        var errorId = Assert.Single(describedBy.Split(' ', StringSplitOptions.RemoveEmptyEntries), id => id.EndsWith("-error", StringComparison.Ordinal));
        var fieldError = Page.Locator("#" + errorId);
        await Expect(fieldError).ToBeVisibleAsync();
        await Expect(fieldError).Not.ToBeEmptyAsync();
        await CheckPageAsync("the registration page with a too-short password");

        // And it says, in words, what to do — in the field error, the field's description and the summary.
        await Expect(fieldError).ToHaveTextAsync(new Regex(@"^Use at least 8 characters\."));
        await Expect(password).ToHaveAccessibleDescriptionAsync(new Regex(@"Use at least 8 characters\."));
        await Expect(alert.GetByRole(AriaRole.Link)).ToHaveTextAsync(new Regex(@"^Use at least 8 characters\."));
    }

    private async Task<string> FailedSignInAlertAsync(string identifier, string password)
    {
        await Page.GotoAsync("/signin");
        await Page.GetByLabel("Email or username").FillAsync(identifier);
        await PasswordField(Page).FillAsync(password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        var alert = Page.GetByRole(AriaRole.Alert);
        await Expect(alert).ToContainTextAsync(Generic);
        await Expect(alert).ToContainTextAsync(ReferenceCode());
        await Expect(Page.GetByLabel("Email or username")).ToHaveValueAsync(identifier);
        return (await alert.InnerTextAsync()).Trim();
    }
}
