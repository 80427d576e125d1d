using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;
using Threshold.Core.Support;
using static Threshold.Web.Tests.Infrastructure.ActPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Issue 8, item 6: "Reset two-step sign-in" waits. Every verified contact is told, with a link to
/// cancel; before Support:FactorResetDelay nothing changes; after it (fake clock, then the timer's
/// run) the password alone signs in; a cancelled reset never completes; the cancel link works once.
/// </summary>
public sealed class FactorResetTests : IAsyncLifetime
{
    private const string Phone = "+447700900456";
    private readonly FakeTimeProvider _clock = TwoFactorPages.NewClock();
    private ThresholdFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new ThresholdFactory { Clock = _clock };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>A customer with an authenticator app, a verified recovery email and a confirmed phone; an agent asked for the reset.</summary>
    private async Task<(TestUser Customer, Guid Id, string Recovery, TotpEnrolment Totp, Page Done)> ScheduledAsync()
    {
        using var agent = (await _app.AgentAsync(_clock)).Browser;
        var (customerBrowser, customer, totp) = await _app.UserWithTotpAsync(_clock);
        customerBrowser.Dispose();
        var recovery = TestUser.UniqueEmail();
        await _app.SetVerifiedRecoveryEmailAsync(customer.Email, recovery);
        await _app.SetConfirmedPhoneAsync(customer.Email, Phone);
        var id = (await _app.AccountAsync(customer.Email))!.Id;
        await agent.VerifyAsync(_app, id, customer.Email);
        var done = await agent.ActAsync(id, ResetTwoStepButton, "Lost phone, passed the check");
        Assert.True(done.Status == HttpStatusCode.OK, $"Scheduling answered {(int)done.Status}: {done.MainText}");
        return (customer, id, recovery, totp, done);
    }

    private async Task<Page> SignInAsync(TestUser customer)
    {
        using var browser = new Browser(_app);
        var response = await browser.SignInAsync(customer.Username, customer.Password);
        return await Page.LoadAsync(browser, response);
    }

    [Fact]
    public async Task A_reset_is_scheduled_and_every_verified_contact_is_told_with_one_cancel_link()
    {
        var start = _clock.GetUtcNow();
        var (customer, id, recovery, _, done) = await ScheduledAsync();
        Assert.Contains("Two-step sign-in will be reset on", done.StatusText());
        Assert.Contains("unless the customer cancels it", done.StatusText());
        Assert.Contains("A reset is waiting", done.MainText);

        var reset = Assert.Single(await _app.FactorResetsAsync(id));
        Assert.InRange(reset.DueAt - reset.RequestedAt, TimeSpan.FromHours(24), TimeSpan.FromHours(24));
        Assert.True(reset.RequestedAt >= start);
        Assert.True(reset.IsPending);

        var messages = new List<OutboxMessage>();
        foreach (var to in new[] { customer.Email, recovery, Phone })
            messages.Add(await _app.MessageToAsync(to, "two-step-reset-scheduled"));
        Assert.Equal(MessageChannel.Sms, messages[2].Channel);
        var links = messages.Select(m => CancelLinkIn(m.TextBody)).Distinct().ToList();
        var link = Assert.Single(links);
        Assert.StartsWith(PublicOrigin + "/account/cancel-two-step-reset?token=", link);
        Assert.Equal(SecretToken.Hash(link[(link.IndexOf("token=", StringComparison.Ordinal) + 6)..]), reset.CancelTokenHash);
        Assert.All(messages, m => Assert.Contains(done.Reference!, m.TextBody));
        Assert.Contains("does not sign you in", messages[0].TextBody);
        Assert.DoesNotContain("/signin", messages[0].HtmlBody);

        var line = Assert.Single(await _app.AuditOfAsync(id), a => a.ReferenceCode == done.Reference);
        Assert.Equal((AgentAction.ResetTwoFactor, AgentActionOutcome.Done, "Lost phone, passed the check"), (line.Action, line.Outcome, line.Reason));
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.TwoFactorResetScheduled));
    }

    [Fact]
    public async Task Before_the_delay_nothing_changes_and_after_it_the_password_alone_signs_in()
    {
        var (customer, id, recovery, totp, _) = await ScheduledAsync();

        _clock.Advance(TimeSpan.FromHours(23) + TimeSpan.FromMinutes(59));
        await _app.CompleteDueResetsAsync();
        Assert.True(Assert.Single(await _app.FactorResetsAsync(id)).IsPending);
        (await SignInAsync(customer)).Response.AssertRedirectsTo(TwoFactorPages.SecondStepToAccount);
        Assert.NotEqual(0, await _app.BackupCodeCountAsync(id));
        // Signed in with both steps half a minute before the reset is due: completion must end this session.
        using var signedIn = new Browser(_app);
        await signedIn.SignInWithTotpAsync(customer, _clock.NextCode(totp.Key));

        _clock.Advance(TimeSpan.FromMinutes(1));
        await _app.CompleteDueResetsAsync();
        var reset = Assert.Single(await _app.FactorResetsAsync(id));
        Assert.NotNull(reset.CompletedAt);
        (await SignInAsync(customer)).Response.AssertRedirectsTo("/account");
        Assert.False(await signedIn.IsSignedInAsync());
        Assert.Equal(0, await _app.BackupCodeCountAsync(id));
        Assert.Equal(0, await _app.QueryAsync(db => db.TotpAuthenticators.CountAsync(t => t.AccountId == id, Ct)));
        var account = (await _app.AccountAsync(customer.Email))!;
        Assert.Null(account.PreferredSecondFactor);
        Assert.True(account.PhoneNumberConfirmed);
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.TwoFactorResetCompleted));
        foreach (var to in new[] { customer.Email, recovery, Phone })
            Assert.Contains((await _app.MessagesToAsync(to)), m => m.Template == "security-changed" && m.TextBody.Contains("Two-step sign-in was reset"));

        // Running again completes nothing twice; the link now says it is too late.
        await _app.CompleteDueResetsAsync();
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.TwoFactorResetCompleted));
        using var late = new Browser(_app);
        var link = CancelLinkIn((await _app.MessageToAsync(customer.Email, "two-step-reset-scheduled")).TextBody);
        var tooLate = await late.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, tooLate.Status);
        Assert.Equal("This reset has already taken effect", tooLate.Heading);
    }

    [Fact]
    public async Task A_cancelled_reset_never_completes_and_the_cancel_link_works_once()
    {
        var (customer, id, _, _, _) = await ScheduledAsync();
        var link = CancelLinkIn((await _app.MessageToAsync(Phone, "two-step-reset-scheduled")).TextBody);
        using var owner = new Browser(_app);   // signed out: the owner may be locked out

        var confirm = await owner.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.OK, confirm.Status);
        Assert.Equal("Cancel the two-step reset", confirm.Heading);
        Assert.Contains(customer.Username, confirm.MainText);
        Assert.True(Assert.Single(await _app.FactorResetsAsync(id)).IsPending);   // looking changed nothing

        var form = confirm.Form(CancelButton);
        var cancelled = await Page.LoadAsync(owner, await form.SubmitAsync());
        Assert.Equal(HttpStatusCode.OK, cancelled.Status);
        Assert.Equal("The reset is cancelled", cancelled.Heading);
        Assert.Contains("Two-step sign-in on your account stays as it is.", cancelled.StatusText());
        var ev = Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.TwoFactorResetCancelled));
        Assert.Equal(cancelled.Reference, ev.ReferenceCode);

        var again = await Page.LoadAsync(owner, await form.SubmitAsync());
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Equal("This reset was already cancelled", again.Heading);
        Assert.NotNull(again.Reference);
        Assert.Single(await _app.EventsOfAsync(id, SecurityEventKind.TwoFactorResetCancelled));

        _clock.Advance(TimeSpan.FromHours(25));
        await _app.CompleteDueResetsAsync();
        Assert.Null(Assert.Single(await _app.FactorResetsAsync(id)).CompletedAt);
        Assert.Empty(await _app.EventsOfAsync(id, SecurityEventKind.TwoFactorResetCompleted));
        (await SignInAsync(customer)).Response.AssertRedirectsTo(TwoFactorPages.SecondStepToAccount);
    }

    [Fact]
    public async Task One_reset_waits_per_account_and_an_account_without_two_step_has_none_to_reset()
    {
        using var agent = (await _app.AgentAsync(_clock)).Browser;
        var (customerBrowser, customer, _) = await _app.UserWithTotpAsync(_clock);
        customerBrowser.Dispose();
        var id = (await _app.AccountAsync(customer.Email))!.Id;
        await agent.VerifyAsync(_app, id, customer.Email);
        Assert.Equal(HttpStatusCode.OK, (await agent.ActAsync(id, ResetTwoStepButton)).Status);

        var second = await agent.ActAsync(id, ResetTwoStepButton);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Contains("already waiting", second.AlertText);
        Assert.Single(await _app.FactorResetsAsync(id));
        Assert.Equal("already_pending", Assert.Single(await _app.AuditOfAsync(id), a => a.ReferenceCode == second.Reference).Detail);

        var (plainBrowser, plain) = await _app.VerifiedUserAsync();
        plainBrowser.Dispose();
        var plainId = (await _app.AccountAsync(plain.Email))!.Id;
        _clock.Advance(TimeSpan.FromMinutes(1));
        await agent.VerifyAsync(_app, plainId, plain.Email);
        var none = await agent.ActAsync(plainId, ResetTwoStepButton);
        Assert.Equal(HttpStatusCode.Conflict, none.Status);
        Assert.Empty(await _app.FactorResetsAsync(plainId));
        Assert.Equal("no_two_step", Assert.Single(await _app.AuditOfAsync(plainId), a => a.ReferenceCode == none.Reference).Detail);
    }

    [Fact]
    public async Task Unknown_or_garbled_cancel_links_are_400_with_a_reference_and_change_nothing()
    {
        var (_, id, _, _, _) = await ScheduledAsync();
        using var browser = new Browser(_app);
        foreach (var token in new[] { "", "garbage<script>", SecretToken.New(), new string('A', 2_000) })
        {
            var page = await browser.GetAsync("/account/cancel-two-step-reset?token=" + Uri.EscapeDataString(token));
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Equal("This link is not valid", page.Heading);
            Assert.NotNull(page.Reference);
            var posted = await Page.LoadAsync(browser, await browser.PostFormAsync("/account/cancel-two-step-reset",
                [new("token", token), new("__RequestVerificationToken", await browser.AntiforgeryTokenAsync())]));
            Assert.Equal(HttpStatusCode.BadRequest, posted.Status);
        }
        Assert.True(Assert.Single(await _app.FactorResetsAsync(id)).IsPending);
        Assert.Empty(await _app.EventsOfAsync(id, SecurityEventKind.TwoFactorResetCancelled));
    }
}
