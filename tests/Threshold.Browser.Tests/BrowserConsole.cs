using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// Every check of a page (<see cref="BrowserTest.CheckPageAsync(string)"/>) fails on console errors and CSP
/// reports; these tests prove that watch sees what it must, and cover what it leaves out.
/// </summary>
public sealed class BrowserConsole(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task An_inline_script_is_refused_by_the_CSP_and_the_refusal_is_reported()
    {
        await Page.GotoAsync("/signin");
        Console.AssertClean("the sign-in page");

        var refusal = await Page.RunAndWaitForConsoleMessageAsync(
            () => Page.EvaluateAsync("() => { const s = document.createElement('script'); s.textContent = 'window.inlineRan = true'; document.body.append(s); }"),
            new() { Predicate = m => m.Type == "error" && m.Text.Contains("Content Security Policy") });

        Assert.Contains("script-src", refusal.Text);
        Assert.False(await Page.EvaluateAsync<bool>("() => window.inlineRan === true"));
        Assert.Contains(Console.Errors, e => e.Contains("Content Security Policy"));
    }

    [Fact]
    public async Task Signed_out_pages_report_no_console_errors()
    {
        foreach (var path in new[] { "/", "/signin", "/register", "/register/check-email", "/signin?returnUrl=%2Faccount" })
        {
            await Page.GotoAsync(path);
            await Expect(Heading(Page)).ToBeVisibleAsync();
            await CheckPageAsync(path);
        }
    }

    /// <summary>Browsers ask every site for an icon; without one each page view logs a 404 in the console (and on the server).</summary>
    [Fact]
    public async Task The_icon_browsers_ask_for_exists()
    {
        await Page.GotoAsync("/");
        var links = Page.Locator("link[rel~='icon']");
        var icon = await links.CountAsync() > 0 ? await links.First.GetAttributeAsync("href") ?? "" : "/favicon.ico";
        if (icon.StartsWith("data:", StringComparison.Ordinal)) return; // an inline icon: nothing to fetch, nothing to fail

        var response = await Page.Context.APIRequest.GetAsync(icon);
        Assert.True(response.Ok, $"The icon {icon} answers {response.Status}: browsers log \"Failed to load resource\" on every page.");
    }
}
