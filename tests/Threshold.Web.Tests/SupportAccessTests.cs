using Microsoft.Extensions.Time.Testing;
using Threshold.Web.Tests.Infrastructure;

namespace Threshold.Web.Tests;

/// <summary>Issue 8: the console has its own policy — agents only, and only after a second step.</summary>
public sealed class SupportAccessTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = TwoFactorPages.NewClock();
    private ThresholdFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new ThresholdFactory { Clock = _clock };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task Signed_out_visitors_are_sent_to_sign_in_and_back()
    {
        var response = await _app.NewBrowser().Http.GetAsync(SupportPages.ConsolePath, TestContext.Current.CancellationToken);
        response.AssertRedirectsTo("/signin?returnUrl=%2Fsupport");
    }

    [Fact]
    public async Task A_customer_gets_403_with_a_reference()
    {
        var (browser, _) = await _app.SignedInAsync();
        var page = await browser.ConsoleAsync();
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("This page is not open to your account", page.MainText);
        Assert.Matches(@"Reference: [A-Z2-9]{4}-[A-Z2-9]{4}", page.MainText);
    }

    [Fact]
    public async Task An_agent_signed_in_with_both_steps_opens_the_console()
    {
        var (browser, _, _) = await _app.AgentAsync(_clock);
        var page = await browser.ConsoleAsync();
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Support console", page.MainText);
    }

    [Fact]
    public async Task An_agent_without_two_step_sign_in_is_sent_to_set_it_up()
    {
        var (browser, user) = await _app.VerifiedUserAsync();
        await _app.MakeAgentAsync(user.Email);
        var response = await browser.Http.GetAsync(SupportPages.ConsolePath, TestContext.Current.CancellationToken);
        response.AssertRedirectsTo("/account/two-factor?returnUrl=%2Fsupport");
    }

    [Fact]
    public async Task An_agent_whose_session_skipped_the_second_step_proves_it_again()
    {
        // Enrolled in this session after a password-only sign-in: the session never passed a second step.
        var (browser, user, totp) = await _app.UserWithTotpAsync(_clock);
        await _app.MakeAgentAsync(user.Email);
        var response = await browser.Http.GetAsync(SupportPages.ConsolePath, TestContext.Current.CancellationToken);
        response.AssertRedirectsTo("/account/reauthenticate?returnUrl=%2Fsupport");

        var again = await browser.ReauthenticateAsync("/account/reauthenticate?returnUrl=%2Fsupport", user.Password);
        var step = await browser.FollowAsync(again);
        (await step.EnterCodeAsync(_clock.NextCode(totp.Key))).AssertRedirectsTo("/support");
        Assert.Equal(HttpStatusCode.OK, (await browser.ConsoleAsync()).Status);
    }
}
