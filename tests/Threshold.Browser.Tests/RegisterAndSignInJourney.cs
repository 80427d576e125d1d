using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>The first journey, as a person walks it: register, confirm, sign out, sign in by username and by email.</summary>
public sealed class RegisterAndSignInJourney(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task Register_confirm_sign_out_and_sign_in_by_username_and_by_email_in_another_case()
    {
        var person = Person.New();

        await Page.GotoAsync("/");
        await Expect(Heading(Page)).ToHaveTextAsync("Welcome to Threshold");
        await CheckPageAsync("the home page");

        await HeaderNav(Page).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await ExpectPathAsync(Page, "/signin");
        await Expect(Heading(Page)).ToHaveTextAsync("Sign in");
        await CheckPageAsync("the sign-in page");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Create account", Exact = true }).ClickAsync();
        await ExpectPathAsync(Page, "/register");
        await Expect(Heading(Page)).ToHaveTextAsync("Create account");
        await CheckPageAsync("the registration page");

        await Page.GetByLabel("Email", new() { Exact = true }).FillAsync(person.Email);
        await Page.GetByLabel("Username", new() { Exact = true }).FillAsync(person.Username);
        await PasswordField(Page).FillAsync(person.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await ExpectPathAsync(Page, "/register/check-email");
        await Expect(Heading(Page)).ToHaveTextAsync("Check your email");
        await CheckPageAsync("the check-your-email page");

        // The person opens the link from the welcome email in the browser they registered in.
        await Page.GotoAsync(await Server.VerificationLinkAsync(person.Email));
        await Expect(Heading(Page)).ToHaveTextAsync("Confirm your email address");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await CheckPageAsync("the verification page");

        await Page.GetByRole(AriaRole.Button, new() { Name = "Confirm email address" }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
        await ExpectSignedInAsAsync(person);
        await CheckPageAsync("the account page after confirming");

        await SignOutAsync(Page);
        await CheckPageAsync("the home page after signing out");

        // A slip first: the error state of the sign-in page must be as accessible as the rest.
        await SignInAsync(Page, person.Username, person.Password + "!");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That email, username or password is not right.");
        await CheckPageAsync("the sign-in page showing an error");

        await Page.GetByLabel("Email or username").FillAsync(person.Username);
        await PasswordField(Page).FillAsync(person.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
        await ExpectSignedInAsAsync(person);
        await CheckPageAsync("the account page after signing in by username");

        await SignOutAsync(Page);

        await SignInAsync(Page, person.Email.ToUpperInvariant(), person.Password);
        await ExpectPathAsync(Page, "/account");
        await ExpectSignedInAsAsync(person);
        await CheckPageAsync("the account page after signing in by email in upper case");
    }

    private async Task ExpectSignedInAsAsync(Person person)
    {
        await Expect(Heading(Page)).ToHaveTextAsync("Your account");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Email);
        await Expect(HeaderNav(Page).GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
        await Expect(HeaderNav(Page).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToHaveCountAsync(0);
    }
}
