using System.Diagnostics;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>A server of its own whose sign-in asks for the proof-of-work check after one failure (default difficulty).</summary>
public sealed class ChallengeServer : ThresholdServer
{
    protected override void ConfigureServer(IWebHostBuilder builder) => builder.UseSetting("Throttle:ChallengeAfter", "1");
}

/// <summary>Issue 6: Chromium solves a real challenge in the Web Worker, with a visible, accessible progress indicator.</summary>
public sealed class ProofOfWorkChallenge(ChallengeServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<ChallengeServer>, IClassFixture<Chromium>
{
    [Fact]
    public async Task The_browser_solves_the_challenge_in_a_worker_and_the_person_signs_in()
    {
        var person = Person.New();
        await RegisterAsync(Page, person);
        await SignOutIfSignedInAsync();

        await Page.GotoAsync("/signin");
        await Page.GetByLabel("Email or username").FillAsync(person.Username);
        await PasswordField(Page).FillAsync("not the password at all");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();

        // The failure page carries the check for the next attempt; the worker starts at once.
        var started = Stopwatch.StartNew();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");
        var check = Page.Locator("[data-pow]");
        var status = check.GetByRole(AriaRole.Status);
        await Expect(status).ToHaveCountAsync(1);
        await CheckPageAsync("the sign-in page with the safety check running");

        await Expect(check).ToHaveAttributeAsync("data-pow-state", "solved", new() { Timeout = 60_000 });
        var took = started.Elapsed;
        await Expect(status).ToHaveTextAsync("Safety check done. You can sign in.");
        var progress = Page.Locator("#pow-progress");
        await Expect(progress).ToBeVisibleAsync();
        await Expect(progress).ToHaveAttributeAsync("value", "100");
        Assert.NotEqual("", await Page.Locator("input[name='Input.Solution']").InputValueAsync());
        await CheckPageAsync("the sign-in page with the safety check done");
        TestContext.Current.SendDiagnosticMessage($"proof of work solved in {took.TotalMilliseconds:F0} ms");

        await PasswordField(Page).FillAsync(person.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
    }

    [Fact]
    public async Task Pressing_sign_in_before_the_check_is_done_waits_for_it()
    {
        var person = Person.New();
        await RegisterAsync(Page, person);
        await SignOutIfSignedInAsync();

        await Page.GotoAsync("/signin");
        await Page.GetByLabel("Email or username").FillAsync(person.Email);
        await PasswordField(Page).FillAsync("not the password at all");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");

        await PasswordField(Page).FillAsync(person.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
        Console.AssertClean("after signing in through the safety check");
    }

    private async Task SignOutIfSignedInAsync()
    {
        await Page.GotoAsync("/");
        var signOut = HeaderNav(Page).GetByRole(AriaRole.Button, new() { Name = "Sign out" });
        if (await signOut.CountAsync() > 0) await signOut.ClickAsync();
    }
}
