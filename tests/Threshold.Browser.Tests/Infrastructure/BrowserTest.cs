using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests.Infrastructure;

/// <summary>
/// A test with a fresh browser context (no cookies) on the shared server. Each
/// <see cref="CheckPageAsync"/> runs axe and fails on any console error or CSP violation so far.
/// </summary>
public abstract partial class BrowserTest(ThresholdServer server, Chromium chromium) : IAsyncLifetime
{
    private readonly List<IBrowserContext> _contexts = [];

    protected ThresholdServer Server { get; } = server;
    protected ConsoleWatch Console { get; } = new();
    protected IPage Page { get; private set; } = null!;

    static BrowserTest() => SetDefaultExpectTimeout(15_000);

    public async ValueTask InitializeAsync() => Page = await NewPageInNewContextAsync();

    /// <summary>Another browser: its own cookies, as if on a different device.</summary>
    protected async Task<IPage> NewPageInNewContextAsync()
    {
        var context = await chromium.Browser.NewContextAsync(new()
        {
            BaseURL = Server.Origin,
            Locale = "en-GB",
            ViewportSize = new() { Width = 1024, Height = 800 },
        });
        context.SetDefaultTimeout(30_000);
        Console.Watch(context);
        _contexts.Add(context);
        return await context.NewPageAsync();
    }

    /// <summary>What every page must be: accessible (axe, WCAG A/AA) and free of console errors.</summary>
    protected async Task CheckPageAsync(IPage page, string state)
    {
        await Axe.AssertNoViolationsAsync(page, state);
        Console.AssertClean(state);
    }

    protected Task CheckPageAsync(string state) => CheckPageAsync(Page, state);

    protected static ILocator Heading(IPage page) => page.GetByRole(AriaRole.Heading, new() { Level = 1 });

    /// <summary>The site header's navigation (top right): "Sign in", or "Account" and "Sign out".</summary>
    protected static ILocator HeaderNav(IPage page) => page.GetByRole(AriaRole.Navigation, new() { Name = "Account" });

    protected static ILocator PasswordField(IPage page) => page.GetByLabel("Password", new() { Exact = true });

    /// <summary>The page is at exactly this path (and query) on our origin.</summary>
    protected async Task ExpectPathAsync(IPage page, string pathAndQuery) =>
        await Expect(page).ToHaveURLAsync(Server.Origin + pathAndQuery);

    /// <summary>Fills and sends /register; the browser ends on "Check your email".</summary>
    protected async Task RegisterAsync(IPage page, Person person)
    {
        await page.GotoAsync("/register");
        await page.GetByLabel("Email", new() { Exact = true }).FillAsync(person.Email);
        await page.GetByLabel("Username", new() { Exact = true }).FillAsync(person.Username);
        await PasswordField(page).FillAsync(person.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create account" }).ClickAsync();
        await Expect(Heading(page)).ToHaveTextAsync("Check your email");
        await ExpectPathAsync(page, "/register/check-email");
    }

    /// <summary>Fills and sends /signin from wherever the page is, through the header's "Sign in" link.</summary>
    protected static async Task SignInAsync(IPage page, string identifier, string password)
    {
        await HeaderNav(page).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Heading(page)).ToHaveTextAsync("Sign in");
        await page.GetByLabel("Email or username").FillAsync(identifier);
        await PasswordField(page).FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
    }

    protected async Task SignOutAsync(IPage page)
    {
        await HeaderNav(page).GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await ExpectPathAsync(page, "/");
        await Expect(HeaderNav(page).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await Expect(HeaderNav(page).GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveCountAsync(0);
    }

    [GeneratedRegex(@"Reference: [A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}")]
    protected static partial Regex ReferenceCode();

    public async ValueTask DisposeAsync()
    {
        foreach (var context in _contexts) await context.CloseAsync();
    }
}
