using Microsoft.Extensions.Time.Testing;
using static Threshold.Web.Tests.Infrastructure.RecoveryPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Resends and abuse: one request per identifier a minute, five an hour, the same answers for
/// unknown identifiers, at most five messages an hour to one address, ten requests per network in
/// 15 minutes; asking never locks the account or changes its password.
/// </summary>
public sealed class PasswordResetLimitsTests
{
    private sealed record Answer(HttpStatusCode Status, string? RetryAfter, string Text);

    private static async Task<Answer> AskAsync(Browser browser, string identifier)
    {
        var page = await browser.RequestResetAndLoadAsync(identifier);
        var retryAfter = page.Response.Headers.TryGetValues("Retry-After", out var values) ? string.Join(",", values) : null;
        // The form keeps what was typed; take that out so known and unknown can be compared.
        return new(page.Status, retryAfter, page.MainTextWithoutReference());
    }

    [Fact]
    public async Task A_second_request_within_a_minute_says_when_to_ask_again_the_same_for_known_and_unknown()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        var unknown = TestUser.UniqueEmail();
        using var a = app.NewBrowser();
        using var b = app.NewBrowser();

        Assert.Equal(HttpStatusCode.OK, (await AskAsync(a, user.Email)).Status);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(b, unknown)).Status);

        var known = await AskAsync(a, user.Email);
        var stranger = await AskAsync(b, unknown);
        Assert.Equal((HttpStatusCode)429, known.Status);
        Assert.Equal("60", known.RetryAfter);
        Assert.Contains("You can ask again in 60 seconds", known.Text);
        Assert.Equal(known with { Text = known.Text.Replace(user.Email, "X") }, stranger with { Text = stranger.Text.Replace(unknown, "X") });
        Assert.Single(await app.ResetMessagesToAsync(user.Email));

        clock.Advance(TimeSpan.FromSeconds(35));
        var later = await AskAsync(a, user.Email);
        Assert.Equal((HttpStatusCode)429, later.Status);
        Assert.Equal("25", later.RetryAfter);
        Assert.Contains("You can ask again in 25 seconds", later.Text);
        // Another spelling of the same identifier is the same identifier.
        var shouted = await AskAsync(a, user.Email.ToUpperInvariant());
        Assert.Equal((HttpStatusCode)429, shouted.Status);

        clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(a, user.Email)).Status);
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(b, unknown)).Status);
        Assert.Equal(2, (await app.ResetMessagesToAsync(user.Email)).Count);
    }

    [Fact]
    public async Task The_sixth_request_within_an_hour_is_refused_alike_and_no_request_locks_the_account_or_changes_its_password()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        var hash = (await app.AccountAsync(user.Email))!.PasswordHash;
        var unknown = TestUser.UniqueUsername();
        using var a = app.NewBrowser();
        using var b = app.NewBrowser();

        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(a, user.Username)).Status);
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(b, unknown)).Status);
            clock.Advance(TimeSpan.FromSeconds(61));
        }
        Assert.Equal(5, (await app.ResetMessagesToAsync(user.Email)).Count);

        var known = await AskAsync(a, user.Username);
        var stranger = await AskAsync(b, unknown);
        Assert.Equal((HttpStatusCode)429, known.Status);
        Assert.Contains("You can ask again in 55 minutes", known.Text);   // the first of the five was 5 min 5 s ago
        Assert.Equal(((int)(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(5 * 61)).TotalSeconds).ToString(), known.RetryAfter);
        Assert.Equal(known with { Text = known.Text.Replace(user.Username, "X") }, stranger with { Text = stranger.Text.Replace(unknown, "X") });
        Assert.Equal(5, (await app.ResetMessagesToAsync(user.Email)).Count);

        // Nothing happened to the account: same password, not locked, signs in.
        var account = (await app.AccountAsync(user.Email))!;
        Assert.Equal(hash, account.PasswordHash);
        Assert.Null(account.LockoutEnd);
        Assert.Equal(0, account.AccessFailedCount);
        Assert.True(await app.SignsInAsync(user.Username, user.Password));

        // An hour after the first request, asking works again.
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(a, user.Username)).Status);
        Assert.Equal(6, (await app.ResetMessagesToAsync(user.Email)).Count);
    }

    [Fact]
    public async Task At_most_five_reset_messages_an_hour_reach_one_address_whatever_identifier_is_typed()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        using var other = app.NewBrowser();

        // Email and username are different identifiers (each has its own cooldown) but one inbox.
        var identifiers = new[] { user.Email, user.Username, user.Email, user.Username, user.Email, user.Username, user.Email };
        var pages = new List<Answer>();
        foreach (var identifier in identifiers)
        {
            pages.Add(await AskAsync(identifier == user.Email ? browser : other, identifier));
            clock.Advance(TimeSpan.FromSeconds(31));
        }
        Assert.All(pages, p => Assert.Equal(HttpStatusCode.OK, p.Status));
        Assert.All(pages, p => Assert.Equal(pages[0].Text, p.Text));
        Assert.Equal(5, (await app.ResetMessagesToAsync(user.Email)).Count);
    }

    [Fact]
    public async Task One_network_gets_ten_requests_in_15_minutes()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        using var browser = app.NewBrowser();
        for (var i = 0; i < 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await AskAsync(browser, TestUser.UniqueEmail())).Status);

        var refused = await browser.RequestResetAndLoadAsync(TestUser.UniqueEmail());
        Assert.Equal((HttpStatusCode)429, refused.Status);
        Assert.NotNull(refused.Reference);

        using var elsewhere = app.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await AskAsync(elsewhere, TestUser.UniqueEmail())).Status);
    }
}
