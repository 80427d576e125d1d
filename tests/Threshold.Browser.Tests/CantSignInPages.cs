using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>"Can't sign in?" from an error page to the request number: every state checked with axe and the console.</summary>
public sealed class CantSignInPages(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task From_an_error_page_to_a_request_number_that_can_be_copied()
    {
        await Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.GotoAsync("/no-such-page-" + Guid.NewGuid().ToString("N")[..8]);
        var reference = ReferenceCode().Match(await Page.GetByRole(AriaRole.Alert).InnerTextAsync()).Value["Reference: ".Length..];
        await Page.GetByRole(AriaRole.Link, new() { Name = "Can't sign in? Get help" }).ClickAsync();

        await ExpectPathAsync(Page, "/help/cant-sign-in?reference=" + reference);
        await Expect(Heading(Page)).ToHaveTextAsync("Can't sign in?");
        await Expect(Page.GetByLabel("Reference code (if you have one)")).ToHaveValueAsync(reference);
        await CheckPageAsync("the \"Can't sign in?\" form");

        // Sent without a description or a contact: both named, the reference kept.
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Tell us what happened");
        await Expect(Page.GetByLabel("What happened?")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByLabel("Email or phone we can reach you at")).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(Page.GetByLabel("Reference code (if you have one)")).ToHaveValueAsync(reference);
        await CheckPageAsync("the \"Can't sign in?\" form with errors");

        await Page.GetByLabel("What happened?").FillAsync("I lost my phone.\nMy backup codes were on it too.");
        await Page.GetByLabel("Email or phone we can reach you at").FillAsync("someone@example.org");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();

        await ExpectPathAsync(Page, "/help/cant-sign-in");
        await Expect(Heading(Page)).ToHaveTextAsync("Request received");
        var number = System.Text.RegularExpressions.Regex.Match(await Page.GetByRole(AriaRole.Main).InnerTextAsync(),
            "Request number: ([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})").Groups[1].Value;
        Assert.NotEmpty(number);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Copy request number " + number }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Status).Last).ToHaveTextAsync("Request number copied");
        Assert.Equal(number, await Page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await CheckPageAsync("the \"Can't sign in?\" answer");
    }
}
