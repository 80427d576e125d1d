using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// The authenticator app set up in the browser (the key read off the page, the code from oathtool),
/// then every page and state of two-step sign-in checked with axe and the console.
/// </summary>
public sealed class TwoStepPages(ThresholdServer server, Chromium chromium)
    : TwoStepTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task Set_up_an_authenticator_app_from_the_key_on_the_page_and_sign_in_with_its_code()
    {
        var person = Person.New();
        await RegisterConfirmedAsync(Page, person);

        await Page.GotoAsync("/account/security");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Set up two-step sign-in" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/two-factor");
        await Expect(Heading(Page)).ToHaveTextAsync("Set up two-step sign-in");
        await CheckPageAsync("the choice of two-step methods");

        await Page.GetByRole(AriaRole.Link, new() { Name = "An authenticator app" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security/authenticator");
        await Expect(Heading(Page)).ToHaveTextAsync("Set up an authenticator app");
        var qr = Page.GetByRole(AriaRole.Img, new() { Name = "QR code for your authenticator app. The same key is written below." });
        await Expect(qr).ToBeVisibleAsync();
        Assert.StartsWith("data:image/png;base64,", await qr.GetAttributeAsync("src"));
        Assert.True(await qr.EvaluateAsync<bool>("img => img.complete && img.naturalWidth > 0"), "The QR image did not load");
        var keyText = (await Page.Locator("#totp-key").InnerTextAsync()).Trim();
        Assert.Matches(@"^[A-Z2-7]{4}( [A-Z2-7]{1,4})+$", keyText);
        var key = keyText.Replace(" ", "");
        Assert.Equal(32, key.Length); // 160 bits
        await CheckPageAsync("the authenticator setup page with the QR code and key");

        // A wrong code first: the error state.
        var code = Page.GetByLabel("Code from the app");
        await code.FillAsync(Wrong(await OathtoolAsync(key)));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct the following and try again.");
        await Expect(code).ToHaveAttributeAsync("aria-invalid", "true");
        Assert.Equal(keyText, (await Page.Locator("#totp-key").InnerTextAsync()).Trim());
        await CheckPageAsync("the authenticator setup page after a wrong code");

        var current = await OathtoolAsync(key);
        await code.FillAsync(current[..3] + " " + current[3..]);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security/backup-codes?first=true&returnUrl=%2Faccount%2Fsecurity");
        var codes = await Page.GetByRole(AriaRole.List, new() { Name = "Your backup codes" }).GetByRole(AriaRole.Listitem).AllInnerTextsAsync();
        Assert.Equal(10, codes.Count);
        await CheckPageAsync("the backup codes page after the authenticator app");

        await Page.GetByRole(AriaRole.Link, new() { Name = "I have saved my codes" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Authenticator app");
        await CheckPageAsync("the security page with an authenticator app");

        await Page.GotoAsync("/account/security/backup-codes");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("You have 10 unused backup codes.");
        await CheckPageAsync("the backup codes page without codes shown");

        // Sign in again: password, then the app's code.
        await SignOutAsync(Page);
        await SignInAsync(Page, person.Username, person.Password);
        await ExpectPathAsync(Page, "/signin/two-factor?returnUrl=%2Faccount");
        await Expect(Heading(Page)).ToHaveTextAsync("Two-step sign-in");
        await CheckPageAsync("the second step asking for the app's code");

        var field = Page.GetByLabel("Code", new() { Exact = true });
        await field.FillAsync(Wrong(await OathtoolAsync(key)));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct the following and try again.");
        await Expect(field).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(field).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("That code is not right."));
        await CheckPageAsync("the second step after a wrong code");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Try another way" }).ClickAsync();
        await Expect(Heading(Page)).ToHaveTextAsync("Choose another way");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Get a code from your authenticator app" })).ToBeVisibleAsync();
        await CheckPageAsync("the \"Try another way\" list");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Enter a backup code" }).ClickAsync();
        await Expect(Page.GetByLabel("Backup code")).ToBeVisibleAsync();
        await CheckPageAsync("the backup code form");

        // The code the setup used is spent (one use per time step): the app's next code is within the window.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Try another way" }).ClickAsync();
        await Page.GetByRole(AriaRole.Link, new() { Name = "Get a code from your authenticator app" }).ClickAsync();
        await Page.GetByLabel("Code", new() { Exact = true }).FillAsync(await OathtoolAsync(key, "now + 30 seconds"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await CheckPageAsync("the account page after password and app code");
    }

    [Fact]
    public async Task Every_other_two_step_page_and_state_passes_axe_with_a_clean_console()
    {
        var person = Person.New();
        await RegisterConfirmedAsync(Page, person);

        await Page.GotoAsync("/help/cant-sign-in");
        await Expect(Heading(Page)).ToHaveTextAsync("Can't sign in?");
        await CheckPageAsync("/help/cant-sign-in");

        await Page.GotoAsync("/account/reauthenticate?returnUrl=%2Faccount%2Fsecurity");
        await Expect(Heading(Page)).ToHaveTextAsync("Confirm it's you");
        await CheckPageAsync("the re-authentication page");
        await PasswordField(Page).FillAsync(person.Password + "x");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct the following and try again.");
        await Expect(PasswordField(Page)).ToHaveAccessibleDescriptionAsync(new System.Text.RegularExpressions.Regex("That password is not right."));
        await CheckPageAsync("the re-authentication page after a wrong password");
        await PasswordField(Page).FillAsync(person.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Continue" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security");

        await Page.GotoAsync("/account/security/phone");
        await Expect(Heading(Page)).ToHaveTextAsync("Sign-in codes by text message");
        await CheckPageAsync("the phone page asking for a number");
        var number = Page.GetByLabel("Mobile phone number");
        await number.FillAsync("12345");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send a code" }).ClickAsync();
        await Expect(number).ToHaveAttributeAsync("aria-invalid", "true");
        await CheckPageAsync("the phone page with a number it cannot use");
        await number.FillAsync("+44 20 7946 0123");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send a code" }).ClickAsync();
        await Expect(Page.GetByLabel("Code from the text message")).ToBeVisibleAsync();
        await CheckPageAsync("the phone page asking for the code");
        await Page.GetByLabel("Code from the text message").FillAsync("12");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Turn on" }).ClickAsync();
        await Expect(Page.GetByLabel("Code from the text message")).ToHaveAttributeAsync("aria-invalid", "true");
        await CheckPageAsync("the phone page after a wrong code");

        // A second step whose time ran out (or that never began): the expired state.
        var elsewhere = await NewPageInNewContextAsync();
        await elsewhere.GotoAsync("/signin/two-factor?returnUrl=%2Faccount");
        await Expect(Heading(elsewhere)).ToHaveTextAsync("This sign-in has expired");
        await Expect(elsewhere.GetByRole(AriaRole.Link, new() { Name = "Sign in again" })).ToBeVisibleAsync();
        await CheckPageAsync(elsewhere, "the expired second step");
    }

    /// <summary>A 6-digit code that is certainly not <paramref name="code"/> (nor, with luck, any code in the window).</summary>
    private static string Wrong(string code) => string.Concat(code.Select(c => (char)('0' + (c - '0' + 5) % 10)));
}
