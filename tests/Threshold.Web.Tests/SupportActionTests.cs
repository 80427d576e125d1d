using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Support;
using static Threshold.Web.Tests.Infrastructure.ActPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Issue 8, items 5–7: the identity check (a code sent to a verified contact, read back by the
/// customer), the four actions that need it, and the refusals — forged, replayed, cross-account and
/// own-account forms, posts without antiforgery — each written to the agents' audit log.
/// </summary>
public sealed class SupportActionTests : IAsyncLifetime
{
    private const string Phone = "+447700900123";
    private readonly FakeTimeProvider _clock = TwoFactorPages.NewClock();
    private ThresholdFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        // A pause after 3 wrong passwords (no challenge first), so a lockout takes three attempts.
        _app = new ThresholdFactory
        {
            Clock = _clock,
            Settings = new Dictionary<string, string?> { ["Throttle:ChallengeAfter"] = "3", ["Throttle:PauseAfter"] = "3" },
        };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    private async Task<(Browser Browser, TestUser User, Guid Id)> CustomerAsync()
    {
        var (browser, user) = await _app.VerifiedUserAsync();
        return (browser, user, (await _app.AccountAsync(user.Email))!.Id);
    }

    private async Task<Browser> AgentAsync() => (await _app.AgentAsync(_clock)).Browser;

    /// <summary>The audit line a page's answer was recorded under (its reference), so lines at the same fake instant cannot be confused.</summary>
    private async Task<AgentAuditEntry> LineOfAsync(Guid accountId, Page page) =>
        Assert.Single(await _app.AuditOfAsync(accountId), a => a.ReferenceCode == (page.Reference ?? throw new Xunit.Sdk.XunitException("No reference on " + page.Url)));

    private static void AssertRefused(AgentAuditEntry line, AgentAction action, string detail)
    {
        Assert.Equal(action, line.Action);
        Assert.Equal(AgentActionOutcome.Refused, line.Outcome);
        Assert.Equal(detail, line.Detail);
    }

    // ------------------------------------------------------------------ the check

    [Fact]
    public async Task The_code_goes_to_the_chosen_verified_contact_and_the_code_read_back_confirms_identity()
    {
        using var agent = await AgentAsync();
        var (_, customer, id) = await CustomerAsync();
        await _app.SetConfirmedPhoneAsync(customer.Email, Phone);

        var page = await agent.ActPageAsync(id);
        Assert.Equal("Help " + customer.Username, page.Heading);
        Assert.Equal($"/support/customers/{id}", page.Link($"Back to the security timeline of {customer.Username}").Href());
        Assert.Contains(NotConfirmed, page.MainText);
        Assert.DoesNotContain(customer.Email, page.Html);
        Assert.DoesNotContain(Phone, page.Html);
        Assert.True(page.HasControl("Text message to +44 •••• ••• 123"));
        foreach (var button in ActionButtons)
            Assert.True(page.Buttons.Single(b => Page.Normalize(b.TextContent) == button).HasAttribute("disabled"), button + " is usable before the check");

        var sent = await agent.SendCheckCodeAsync(id, "phone");
        Assert.Equal(HttpStatusCode.OK, sent.Status);
        Assert.Contains("We sent a code to +44 •••• ••• 123", sent.StatusText());
        Assert.NotNull(sent.Reference);
        Assert.DoesNotContain(await _app.MessagesToAsync(customer.Email), m => m.Template == "support-check");
        var sms = await _app.MessageToAsync(Phone, "support-check");
        Assert.Contains("Read it out only if you are talking to", sms.TextBody);
        Assert.Contains("never ask for your password", sms.TextBody);
        Assert.Contains(sent.Reference, sms.TextBody);

        var code = await _app.CheckCodeSentToAsync(Phone);
        Assert.DoesNotContain(code, sent.Html);
        var confirmed = await agent.CheckCodeAsync(id, code);
        Assert.Equal(HttpStatusCode.OK, confirmed.Status);
        Assert.Matches("Identity confirmed until [0-9]{2}:[0-9]{2} UTC", confirmed.MainText);
        foreach (var button in ActionButtons.Take(3))
            Assert.False(confirmed.Buttons.Single(b => Page.Normalize(b.TextContent) == button).HasAttribute("disabled"), button + " is still disabled");

        Assert.Equal(2, (await _app.AuditOfAsync(id)).Count);
        var sentLine = await LineOfAsync(id, sent);
        var passedLine = await LineOfAsync(id, confirmed);
        Assert.Equal((AgentAction.VerificationSent, AgentActionOutcome.Done, "phone"), (sentLine.Action, sentLine.Outcome, sentLine.Detail));
        Assert.Equal((AgentAction.VerificationPassed, AgentActionOutcome.Done), (passedLine.Action, passedLine.Outcome));
        Assert.All(new[] { sentLine, passedLine }, a => Assert.NotNull(a.FormToken));
        Assert.Equal(passedLine.AgentId, sentLine.AgentId);
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.SupportCheckSent));
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.SupportCheckPassed));
    }

    [Fact]
    public async Task A_wrong_code_fails_and_is_audited_and_after_VerifiedFor_the_agent_must_check_again()
    {
        using var agent = await AgentAsync();
        var (_, customer, id) = await CustomerAsync();
        await agent.SendCheckCodeAsync(id);
        var right = await _app.CheckCodeSentToAsync(customer.Email);
        var wrong = right == "000000" ? "111111" : "000000";

        var failed = await agent.CheckCodeAsync(id, wrong);
        Assert.Equal(HttpStatusCode.BadRequest, failed.Status);
        Assert.Equal("That code is not right. 4 tries left.", failed.FieldError(CodeLabel));
        Assert.Contains(NotConfirmed, failed.MainText);
        AssertRefused(await LineOfAsync(id, failed), AgentAction.VerificationFailed, "wrong_code");
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.SupportCheckFailed));

        await agent.CheckCodeAsync(id, right);
        Assert.Contains("Identity confirmed until", (await agent.ActPageAsync(id)).MainText);

        _clock.Advance(TimeSpan.FromMinutes(31)); // Support:VerifiedFor is 30 minutes
        Assert.Contains(NotConfirmed, (await agent.ActPageAsync(id)).MainText);
        var refused = await agent.ActAsync(id, UnlockButton);
        Assert.Equal(HttpStatusCode.Forbidden, refused.Status);
        AssertRefused(await LineOfAsync(id, refused), AgentAction.Unlock, "not_verified");
    }

    [Fact]
    public async Task Unverified_contacts_are_not_offered_and_cannot_be_posted()
    {
        using var agent = await AgentAsync();
        var (_, customer, id) = await CustomerAsync();
        var recovery = TestUser.UniqueEmail();
        await _app.QueryAsync(db => db.Users.Where(a => a.Id == id).ExecuteUpdateAsync(s => s
            .SetProperty(a => a.RecoveryEmail, recovery).SetProperty(a => a.PhoneNumber, Phone), Ct));

        var page = await agent.ActPageAsync(id);
        var offered = page.Document.QuerySelectorAll("input[name=Contact]").Select(i => i.GetAttribute("value")).ToList();
        Assert.Equal(["email"], offered);
        foreach (var contact in new[] { "recovery-email", "phone", "someone@example.test" })
        {
            var posted = await page.Form(SendButton).Set("Contact", contact).SubmitAndLoadAsync();
            Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
            Assert.Contains("Choose one of the verified contacts listed.", posted.AlertText);
            Assert.NotNull(posted.Reference);
            page = posted;
        }
        Assert.Empty(await _app.MessagesToAsync(recovery));
        Assert.Empty(await _app.MessagesToAsync(Phone));
        Assert.Empty(await _app.AuditOfAsync(id));

        // Nothing verified at all: nowhere to send a code, so nothing can be done.
        var unverified = await _app.RegisteredUserAsync();
        var bare = await agent.ActPageAsync((await _app.AccountAsync(unverified.Email))!.Id);
        Assert.Contains("no verified email address or phone number", bare.MainText);
        Assert.False(bare.HasButton(SendButton));
    }

    // ---------------------------------------------------------------- the actions

    [Fact]
    public async Task Every_action_without_a_passed_check_is_refused_audited_and_changes_nothing()
    {
        using var agent = await AgentAsync();
        var (browser, customer, id) = await CustomerAsync();
        using var _ = browser;
        var stamp = (await _app.AccountAsync(customer.Email))!.SecurityStamp;

        foreach (var (button, action) in new[] { (UnlockButton, AgentAction.Unlock), (ResetLinkButton, AgentAction.SendPasswordReset),
                     (SignOutButton, AgentAction.SignOutAllSessions), (ResetTwoStepButton, AgentAction.ResetTwoFactor) })
        {
            var page = await agent.ActAsync(id, button);
            Assert.Equal(HttpStatusCode.Forbidden, page.Status);
            Assert.Contains("Confirm the customer's identity first", page.AlertText);
            Assert.NotNull(page.Reference);
            AssertRefused(await LineOfAsync(id, page), action, "not_verified");
        }
        Assert.True(await browser.IsSignedInAsync());
        Assert.Equal(stamp, (await _app.AccountAsync(customer.Email))!.SecurityStamp);
        Assert.Empty(await _app.ResetMessagesToAsync(customer.Email));
        Assert.Empty(await _app.FactorResetsAsync(id));
        Assert.Empty(await _app.EventsOfAsync(id, SecurityEventKind.SupportUnlocked));
    }

    [Fact]
    public async Task Clearing_sign_in_blocks_lets_a_locked_out_customer_sign_in_again()
    {
        using var agent = await AgentAsync();
        var (_, customer, id) = await CustomerAsync();
        for (var i = 1; i <= 3; i++)
        {
            using var guesser = new Browser(_app);
            // 401, and 429 on the failure that starts the pause.
            Assert.NotEqual(HttpStatusCode.Found, (await guesser.SignInAsync(customer.Username, "wrong password " + i)).StatusCode);
        }
        using (var paused = new Browser(_app))
            Assert.Equal(HttpStatusCode.TooManyRequests, (await paused.SignInAsync(customer.Username, customer.Password)).StatusCode);

        var request = await _app.OpenRequestAsync(id);
        await agent.VerifyAsync(_app, id, customer.Email, request);
        var done = await agent.ActAsync(id, UnlockButton, "Locked out after a holiday", request);
        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Contains("Sign-in blocks cleared", done.StatusText());
        Assert.Contains("For request " + request, done.MainText);

        using (var again = new Browser(_app))
            (await again.SignInAsync(customer.Username, customer.Password)).AssertRedirectsTo("/account");
        var line = await LineOfAsync(id, done);
        Assert.Equal((AgentAction.Unlock, AgentActionOutcome.Done), (line.Action, line.Outcome));
        Assert.Equal("Locked out after a holiday", line.Reason);
        Assert.Equal(request, line.RequestNumber);
        Assert.NotNull(line.AgentName);
        Assert.Equal(done.Reference, Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.SupportUnlocked)).ReferenceCode);
    }

    [Fact]
    public async Task The_reset_link_goes_to_the_customers_email_and_resets_the_password_without_the_agent_seeing_it()
    {
        using var agent = await AgentAsync();
        var (_, customer, id) = await CustomerAsync();
        await agent.VerifyAsync(_app, id, customer.Email);
        var done = await agent.ActAsync(id, ResetLinkButton);
        Assert.Equal(HttpStatusCode.OK, done.Status);
        Assert.Contains("A password reset link was sent to p•••@example.com", done.StatusText());
        Assert.DoesNotContain("recover/password/reset", done.Html);
        Assert.False(done.HasControl("New password"));

        var link = await _app.ResetLinkAsync(customer.Email);
        var message = await _app.NewestResetMessageToAsync(customer.Email);
        Assert.Contains("support team", message.TextBody);
        using var browser = new Browser(_app);
        (await browser.ResetWithLinkAsync(link, "A brand new support password")).AssertRedirectsTo("/signin?reset=done");
        Assert.True(await _app.SignsInAsync(customer.Username, "A brand new support password"));

        var line = await LineOfAsync(id, done);
        Assert.Equal((AgentAction.SendPasswordReset, AgentActionOutcome.Done), (line.Action, line.Outcome));
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.SupportResetLinkSent));
    }

    [Fact]
    public async Task Signing_out_all_sessions_ends_the_customers_browser_session_and_forgets_remembered_devices()
    {
        using var agent = await AgentAsync();
        var (browser, customer, id) = await CustomerAsync();
        using var _ = browser;
        var stamp = (await _app.AccountAsync(customer.Email))!.SecurityStamp;
        await agent.VerifyAsync(_app, id, customer.Email);
        Assert.True(await browser.IsSignedInAsync());

        var done = await agent.ActAsync(id, SignOutButton);
        Assert.Contains("Every session was signed out (1)", done.StatusText());
        Assert.False(await browser.IsSignedInAsync());
        Assert.Equal(0, await _app.SessionCountAsync(id));
        Assert.NotEqual(stamp, (await _app.AccountAsync(customer.Email))!.SecurityStamp);
        Assert.Equal(AgentAction.SignOutAllSessions, (await LineOfAsync(id, done)).Action);
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.SupportSessionsEnded));
    }

    // --------------------------------------------------------------- the refusals

    [Fact]
    public async Task A_forged_form_token_is_refused_and_audited()
    {
        using var agent = await AgentAsync();
        var (browser, customer, id) = await CustomerAsync();
        using var _ = browser;
        await agent.VerifyAsync(_app, id, customer.Email);
        foreach (var forged in new[] { "garbage", "", new string('A', 20_000) })
        {
            var page = await (await agent.ActPageAsync(id)).Form(SignOutButton).Set("Reason", "forged").Set("FormToken", forged).SubmitAndLoadAsync();
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Contains("could not be read", page.AlertText);
            AssertRefused(await LineOfAsync(id, page), AgentAction.SignOutAllSessions, "forged");
        }
        Assert.True(await browser.IsSignedInAsync());
    }

    [Fact]
    public async Task A_replayed_form_acts_once_and_the_replay_is_refused_and_audited()
    {
        using var agent = await AgentAsync();
        var (_, customer, id) = await CustomerAsync();
        await agent.VerifyAsync(_app, id, customer.Email);
        var form = (await agent.ActPageAsync(id)).Form(ResetLinkButton).Set("Reason", "Customer asked for a link");

        var first = await Page.LoadAsync(agent, await form.SubmitAsync());
        Assert.Equal(HttpStatusCode.OK, first.Status);
        var replay = await Page.LoadAsync(agent, await form.SubmitAsync());
        Assert.Equal(HttpStatusCode.Gone, replay.Status);
        Assert.Contains("That form was sent before", replay.AlertText);

        Assert.Single(await _app.ResetMessagesToAsync(customer.Email));
        Assert.Equal(2, (await _app.AuditOfAsync(id)).Count(a => a.Action == AgentAction.SendPasswordReset));
        Assert.Equal(AgentActionOutcome.Done, (await LineOfAsync(id, first)).Outcome);
        AssertRefused(await LineOfAsync(id, replay), AgentAction.SendPasswordReset, "replayed");
    }

    [Fact]
    public async Task A_form_from_one_customers_page_posted_to_another_customers_page_is_refused_and_audited()
    {
        using var agent = await AgentAsync();
        var (_, a, idA) = await CustomerAsync();
        var (browserB, b, idB) = await CustomerAsync();
        using var _ = browserB;
        await agent.VerifyAsync(_app, idA, a.Email);
        await agent.VerifyAsync(_app, idB, b.Email);

        var formForA = (await agent.ActPageAsync(idA)).Form(SignOutButton).Set("Reason", "cross-account");
        var page = await Page.LoadAsync(agent, await agent.PostFormAsync(ActPath(idB) + "?handler=SignOut", formForA.Fields));
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("another account", page.AlertText);
        AssertRefused(await LineOfAsync(idB, page), AgentAction.SignOutAllSessions, "wrong_account");
        Assert.True(await browserB.IsSignedInAsync());
        Assert.Empty(await _app.EventsOfAsync(idB, SecurityEventKind.SupportSessionsEnded));
    }

    [Fact]
    public async Task On_their_own_account_an_agent_gets_no_forms_and_a_post_is_refused_and_audited()
    {
        var (agent, agentUser, _) = await _app.AgentAsync(_clock);
        using var __ = agent;
        var ownId = (await _app.AccountAsync(agentUser.Email))!.Id;
        var own = await agent.ActPageAsync(ownId);
        Assert.Contains("This is your own account", own.MainText);
        Assert.DoesNotContain(own.Document.Forms, f => f.QuerySelector("input[name=FormToken]") is not null);

        var (_, customer, id) = await CustomerAsync();
        var borrowed = (await agent.ActPageAsync(id)).Form(UnlockButton).Set("Reason", "unlocking myself");
        var page = await Page.LoadAsync(agent, await agent.PostFormAsync(ActPath(ownId) + "?handler=Unlock", borrowed.Fields));
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("You cannot act on your own account", page.AlertText);
        var line = await LineOfAsync(ownId, page);
        AssertRefused(line, AgentAction.Unlock, "own_account");
        Assert.Equal(ownId, line.AgentId);
        Assert.Empty(await _app.EventsOfAsync(ownId, SecurityEventKind.SupportUnlocked));
    }

    [Fact]
    public async Task A_post_without_the_antiforgery_token_is_400_and_audited_as_a_forged_form()
    {
        using var agent = await AgentAsync();
        var (browser, customer, id) = await CustomerAsync();
        using var _ = browser;
        await agent.VerifyAsync(_app, id, customer.Email);
        var form = (await agent.ActPageAsync(id)).Form(SignOutButton).Set("Reason", "no antiforgery").Set("__RequestVerificationToken", null);

        var page = await Page.LoadAsync(agent, await form.SubmitAsync());
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        AssertRefused(await LineOfAsync(id, page), AgentAction.ForgedForm, "antiforgery");
        Assert.True(await browser.IsSignedInAsync());
    }

    [Fact]
    public async Task Customers_cannot_post_to_the_act_page()
    {
        using var agent = await AgentAsync();
        var (_, customer, id) = await CustomerAsync();
        var (other, _) = await _app.SignedInAsync();
        using var __ = other;
        var form = (await agent.ActPageAsync(id)).Form(SignOutButton).Set("Reason", "customer").Set("__RequestVerificationToken", await other.AntiforgeryTokenAsync("/account"));
        var response = await other.PostFormAsync(ActPath(id) + "?handler=SignOut", form.Fields);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await other.Http.GetAsync(ActPath(id), Ct)).StatusCode);
        Assert.Empty(await _app.AuditOfAsync(id));
    }

    [Fact]
    public async Task Bad_input_gets_field_errors_and_a_reference_and_an_unknown_account_is_404()
    {
        using var agent = await AgentAsync();
        var (browser, customer, id) = await CustomerAsync();
        using var _ = browser;
        await agent.VerifyAsync(_app, id, customer.Email);
        foreach (var (reason, error) in new[] { ("", "Say why"), (new string('x', 10_000), "at most 500 characters"), ("tab\there", "control characters") })
        {
            var page = await agent.ActAsync(id, SignOutButton, reason);
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Contains(error, page.AlertText);
            Assert.NotNull(page.Reference);
            var field = page.Document.GetElementById("reason-signout")!;
            Assert.Contains("reason-signout-error", field.GetAttribute("aria-describedby"));
        }
        var malformed = await (await agent.ActPageAsync(id)).Form(CheckButton).Fill(CodeLabel, "12ab<script>").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Equal("The code has six digits. Type exactly what the customer read out.", malformed.FieldError(CodeLabel));
        var unknownRequest = await (await agent.ActPageAsync(id)).Form(UnlockButton).Set("Reason", "r").Set("request", "ZZZZ-ZZZZ").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, unknownRequest.Status);

        Assert.True(await browser.IsSignedInAsync());
        Assert.Equal([AgentAction.VerificationSent, AgentAction.VerificationPassed], (await _app.AuditOfAsync(id)).Select(a => a.Action).Order());
        Assert.Equal(HttpStatusCode.NotFound, (await agent.Http.GetAsync(ActPath(Guid.NewGuid()), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await agent.Http.GetAsync("/support/customers/not-a-guid/act", Ct)).StatusCode);
    }
}
