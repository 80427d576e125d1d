using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>Every error screen: a plain heading, a reference code to quote, a way on, and the usual header.</summary>
public sealed class ErrorPages(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task The_not_found_page_shows_a_reference_code_and_is_accessible()
    {
        var response = await Page.GotoAsync("/no-such-page-" + Guid.NewGuid().ToString("N")[..8]);

        Assert.Equal(404, response!.Status);
        await Expect(Heading(Page)).ToHaveTextAsync("Page not found");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Go to the home page" })).ToBeVisibleAsync();
        await Expect(HeaderNav(Page).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await CheckPageAsync("the not-found page");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Go to the home page" }).ClickAsync();
        await ExpectPathAsync(Page, "/");
    }

    [Fact]
    public async Task A_broken_verification_link_says_so_with_a_reference_code()
    {
        var response = await Page.GotoAsync("/verify-email?token=copied-only-in-part");

        Assert.Equal(400, response!.Status);
        await Expect(Heading(Page)).ToHaveTextAsync("This link is not valid");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await Expect(Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await CheckPageAsync("a broken verification link");
    }

    [Fact]
    public async Task Opening_sign_out_as_a_link_explains_itself_with_a_reference_code()
    {
        var response = await Page.GotoAsync("/signout");

        Assert.Equal(405, response!.Status);
        await Expect(Heading(Page)).ToHaveTextAsync("That action is not available here");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await CheckPageAsync("GET /signout");
    }

    [Fact]
    public async Task A_reference_code_is_copied_in_one_click_and_the_copy_is_announced()
    {
        await Page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"]);
        await Page.GotoAsync("/no-such-page-" + Guid.NewGuid().ToString("N")[..8]);
        var code = ReferenceCode().Match(await Page.GetByRole(AriaRole.Alert).InnerTextAsync()).Value["Reference: ".Length..];

        var copy = Page.GetByRole(AriaRole.Button, new() { Name = "Copy reference " + code });
        await Expect(copy).ToHaveTextAsync("Copy");
        await copy.ClickAsync();

        await Expect(Page.GetByRole(AriaRole.Alert).GetByRole(AriaRole.Status)).ToHaveTextAsync("Reference copied");
        Assert.Equal(code, await Page.EvaluateAsync<string>("navigator.clipboard.readText()"));
        await CheckPageAsync("the not-found page after copying its reference");
    }
}
