using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>The verification link opened somewhere other than the browser that registered: it verifies, and it never signs in.</summary>
public sealed class VerificationInAnotherBrowser(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task Confirming_in_another_browser_verifies_the_address_offers_Sign_in_and_does_not_sign_in()
    {
        var person = Person.New();
        await RegisterAsync(Page, person);
        await CheckPageAsync("the check-your-email page");
        var link = await Server.VerificationLinkAsync(person.Email);

        var elsewhere = await NewPageInNewContextAsync();
        await elsewhere.GotoAsync(link);
        await Expect(Heading(elsewhere)).ToHaveTextAsync("Confirm your email address");
        await Expect(elsewhere.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await CheckPageAsync(elsewhere, "the verification page in another browser");

        await elsewhere.GetByRole(AriaRole.Button, new() { Name = "Confirm email address" }).ClickAsync();
        await Expect(Heading(elsewhere)).ToHaveTextAsync("Your email address is confirmed");
        await Expect(elsewhere.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(HeaderNav(elsewhere).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(HeaderNav(elsewhere).GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
        await CheckPageAsync(elsewhere, "the confirmed page in another browser");

        // Not signed in: the account page sends this browser to sign in first.
        await elsewhere.GotoAsync("/account");
        await ExpectPathAsync(elsewhere, "/signin?returnUrl=%2Faccount");

        // The link was used up: the registering browser now hears so, and is not signed in either.
        await Page.GotoAsync(link);
        await Expect(Heading(Page)).ToHaveTextAsync("This link has already been used");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await Expect(HeaderNav(Page).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await CheckPageAsync("a used verification link");

        // The "Sign in" offered after confirming leads to a normal sign-in, and the address shows as confirmed.
        await elsewhere.GotoAsync(link);
        await elsewhere.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await elsewhere.GetByLabel("Email or username").FillAsync(person.Email);
        await PasswordField(elsewhere).FillAsync(person.Password);
        await elsewhere.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectPathAsync(elsewhere, "/account");
        await Expect(elsewhere.GetByRole(AriaRole.Main)).ToContainTextAsync("confirmed");
        await Expect(elsewhere.GetByText("not confirmed yet")).ToHaveCountAsync(0);
        await CheckPageAsync(elsewhere, "the account page with a confirmed address");
    }

    [Fact]
    public async Task Only_opening_the_link_elsewhere_changes_nothing()
    {
        var person = Person.New();
        await RegisterAsync(Page, person);
        var link = await Server.VerificationLinkAsync(person.Email);

        var elsewhere = await NewPageInNewContextAsync();
        await elsewhere.GotoAsync(link);
        await Expect(elsewhere.GetByRole(AriaRole.Button, new() { Name = "Confirm email address" })).ToBeVisibleAsync();

        // Still unused: the registering browser confirms and continues signed in.
        await Page.GotoAsync(link);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Confirm email address" }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await CheckPageAsync("the account page after confirming in the registering browser");
    }
}
