using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// Issue 8 end to end, as people see it: a customer who cannot get in asks for help without signing
/// in; an agent made by the operator's command, signed in with two steps, finds the request, confirms
/// who the customer is with a code, sends a reset link, closes the request; the customer is back in.
/// Every page on the way is checked with axe.
/// </summary>
public sealed partial class SupportJourney(ThresholdServer server, Chromium chromium)
    : TwoStepTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task An_agent_resolves_a_cant_sign_in_request_end_to_end()
    {
        // The customer forgot their password, and a failed sign-in shows a reference.
        var customer = Person.New();
        await RegisterConfirmedAsync(Page, customer);
        await SignOutAsync(Page);
        await SignInAsync(Page, customer.Username, customer.Password + "?");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        var failed = ReferenceCode().Match(await Page.GetByRole(AriaRole.Alert).InnerTextAsync()).Value["Reference: ".Length..];

        await Page.GetByRole(AriaRole.Link, new() { Name = "Can't sign in? Get help" }).ClickAsync();
        await Expect(Heading(Page)).ToHaveTextAsync("Can't sign in?");
        await Expect(Page.GetByLabel("Reference code (if you have one)")).ToHaveValueAsync(failed);
        await Page.GetByLabel("What happened?").FillAsync("I forgot my password and the reset email never arrived.");
        await Page.GetByLabel("Email or phone we can reach you at").FillAsync(customer.Email);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send request" }).ClickAsync();
        await Expect(Heading(Page)).ToHaveTextAsync("Request received");
        var number = RequestNumber().Match(await Page.GetByRole(AriaRole.Main).InnerTextAsync()).Groups[1].Value;
        Assert.NotEmpty(number);
        await CheckPageAsync("the request received page");

        // The agent: invited by the operator, with codes by email as the second step.
        var agent = Person.New();
        var desk = await NewPageInNewContextAsync();
        await RegisterConfirmedAsync(desk, agent);
        await desk.GotoAsync("/account/two-factor");
        await desk.GetByRole(AriaRole.Button, new() { Name = $"Codes by email to {agent.Email}" }).ClickAsync();
        var invitation = await Server.InviteAgentAsync(agent.Email);
        await SignOutAsync(desk);
        await desk.GotoAsync(invitation);
        await Expect(Heading(desk)).ToHaveTextAsync("Sign in");
        await desk.GetByLabel("Email or username").FillAsync(agent.Username);
        await PasswordField(desk).FillAsync(agent.Password);
        await desk.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await desk.GetByLabel("Code", new() { Exact = true }).FillAsync(SixDigits().Match(await Server.NewestMessageAsync(agent.Email, "sign-in-code")).Value);
        await desk.GetByRole(AriaRole.Button, new() { Name = "Verify" }).ClickAsync();
        await Expect(Heading(desk)).ToHaveTextAsync("Become a support agent");
        await CheckPageAsync(desk, "the agent enrolment page");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await ExpectPathAsync(desk, "/support");
        await Expect(Heading(desk)).ToHaveTextAsync("Support console");
        await CheckPageAsync(desk, "the support queue");

        // The request is in the queue; the reference the customer gave finds the failed sign-in.
        await desk.GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Main)).ToContainTextAsync("I forgot my password and the reset email never arrived.");
        await CheckPageAsync(desk, "a request");
        await desk.GetByRole(AriaRole.Link, new() { Name = failed }).First.ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Main)).ToContainTextAsync(customer.Username);
        await CheckPageAsync(desk, "search results for a reference code");
        await desk.GetByRole(AriaRole.Link, new() { Name = customer.Username }).First.ClickAsync();
        await Expect(Heading(desk)).ToContainTextAsync(customer.Username);
        await Expect(desk.GetByRole(AriaRole.Main)).ToContainTextAsync(failed);
        await CheckPageAsync(desk, "a customer's security timeline");

        // Confirm who it is: a code to the customer's verified email, read back over the phone.
        await desk.GetByRole(AriaRole.Link, new() { Name = number }).ClickAsync();
        await desk.GetByRole(AriaRole.Link, new() { Name = "Verify identity and act" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Main)).ToContainTextAsync("Not confirmed yet.");
        await Expect(desk.GetByRole(AriaRole.Button, new() { Name = "Send password reset link" })).ToBeDisabledAsync();
        await CheckPageAsync(desk, "the act page before the identity check");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Send code" }).ClickAsync();
        var check = SixDigits().Match(await Server.NewestMessageAsync(customer.Email, "support-check")).Value;
        await desk.GetByLabel("Code the customer read out").FillAsync(check);
        await desk.GetByRole(AriaRole.Button, new() { Name = "Check code" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Main)).ToContainTextAsync("Identity confirmed");
        await CheckPageAsync(desk, "the act page after the identity check");

        var reset = desk.Locator("form").Filter(new() { Has = desk.GetByRole(AriaRole.Button, new() { Name = "Send password reset link" }) });
        await reset.GetByLabel("Reason").FillAsync("Customer confirmed by email code; reset email had not arrived.");
        await reset.GetByRole(AriaRole.Button, new() { Name = "Send password reset link" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Status).First).ToContainTextAsync(ReferenceCode());
        await CheckPageAsync(desk, "the act page after sending a reset link");

        // The customer sets a new password from the link and is back in.
        await Page.GotoAsync(ResetLink().Match(await Server.NewestMessageAsync(customer.Email, "password-reset")).Value);
        await Expect(Heading(Page)).ToHaveTextAsync("Choose a new password");
        var chosen = "harbour lantern " + Guid.NewGuid().ToString("N")[..8] + " dusk";
        await Page.GetByLabel("New password", new() { Exact = true }).FillAsync(chosen);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Set new password" }).ClickAsync();
        await ExpectPathAsync(Page, "/signin?reset=done");
        await Page.GetByLabel("Email or username").FillAsync(customer.Username);
        await PasswordField(Page).FillAsync(chosen);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectPathAsync(Page, "/account");

        // The agent closes the request; the audit log shows what was done, by whom and why.
        await desk.GotoAsync("/support/requests/" + number);
        await desk.GetByLabel("What was done").FillAsync("Identity confirmed by email code; reset link sent; customer is back in.");
        await desk.GetByRole(AriaRole.Button, new() { Name = "Close request" }).ClickAsync();
        await Expect(desk.GetByRole(AriaRole.Main)).ToContainTextAsync("Closed");
        await CheckPageAsync(desk, "a closed request");
        await desk.GotoAsync("/support/audit");
        var log = desk.GetByRole(AriaRole.Main);
        await Expect(log).ToContainTextAsync(agent.Username);
        await Expect(log).ToContainTextAsync("reset email had not arrived");
        await CheckPageAsync(desk, "the audit log");

        await desk.GotoAsync("/support?status=closed");
        await Expect(desk.GetByRole(AriaRole.Link, new() { Name = number })).ToBeVisibleAsync();
        await CheckPageAsync(desk, "the closed requests");
    }

    [GeneratedRegex(@"Request number: ([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})")]
    private static partial Regex RequestNumber();

    [GeneratedRegex("(?<![0-9])[0-9]{6}(?![0-9])")]
    private static partial Regex SixDigits();

    [GeneratedRegex(@"https?://\S+/recover/password/reset\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex ResetLink();
}
