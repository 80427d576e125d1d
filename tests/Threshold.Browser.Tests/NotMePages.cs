using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// "This wasn't me" from a new-sign-in email, in a browser that is not signed in: the confirmation,
/// the done page, the same link again and a broken link, each read and checked with axe.
/// </summary>
public sealed class NotMePages(ThresholdServer server, Chromium chromium)
    : TwoStepTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task Secure_the_account_from_the_link_in_a_new_sign_in_email()
    {
        var person = Person.New();
        await RegisterConfirmedAsync(Page, person);
        await SignOutAsync(Page);
        await SignInAsync(Page, person.Username, person.Password);
        await ExpectPathAsync(Page, "/account");

        // Someone else signs in on another device: the owner is told, with a "This wasn't me" link.
        var intruder = await NewPageInNewContextAsync();
        await intruder.GotoAsync("/");
        await SignInAsync(intruder, person.Email, person.Password);
        await ExpectPathAsync(intruder, "/account");
        var link = await Server.NotMeLinkAsync(person.Email, "new-sign-in");

        var phone = await NewPageInNewContextAsync();
        await phone.GotoAsync(link);
        await Expect(Heading(phone)).ToHaveTextAsync("This wasn't me");
        await Expect(phone.GetByText("A sign-in to your account")).ToBeVisibleAsync();
        await Expect(HeaderNav(phone).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await CheckPageAsync(phone, "the not-me confirmation");

        await phone.GetByRole(AriaRole.Button, new() { Name = "Secure my account" }).ClickAsync();
        await Expect(Heading(phone)).ToHaveTextAsync("Your account is secured");
        await Expect(phone.GetByRole(AriaRole.Status)).ToContainTextAsync("Every device was signed out of your account");
        await Expect(phone.GetByRole(AriaRole.Link, new() { Name = "Set up two-step sign-in" })).ToHaveAttributeAsync("href", "/account/two-factor");
        await CheckPageAsync(phone, "the not-me done page");

        // Both other browsers are signed out on their next request.
        foreach (var signedOut in new[] { Page, intruder })
        {
            await signedOut.GotoAsync("/account");
            await Expect(Heading(signedOut)).ToHaveTextAsync("Sign in");
        }

        await phone.GotoAsync(link);
        await Expect(Heading(phone)).ToHaveTextAsync("Already reported");
        await CheckPageAsync(phone, "the not-me page for an entry already reported");

        var broken = await phone.GotoAsync(link[..^6] + "AAAAAA");
        Assert.Equal(400, broken!.Status);
        await Expect(Heading(phone)).ToHaveTextAsync("This link is not valid");
        await Expect(phone.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await CheckPageAsync(phone, "the not-me page for a broken link");
    }
}
