using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;

namespace Threshold.Web.Tests;

/// <summary>/account/sessions: each signed-in browser, and signing them out (ASVS 7.5.2).</summary>
public sealed class ActiveSessionsTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    private async Task<(TestUser User, Guid AccountId, Browser Laptop, Browser Phone)> TwoBrowsersAsync()
    {
        var user = await app.RegisteredUserAsync();
        var laptop = new Browser(app, UserAgents.ChromeOnWindows);
        (await laptop.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var phone = new Browser(app, UserAgents.SafariOnIPhone);
        (await phone.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        return (user, (await app.AccountAsync(user.Email))!.Id, laptop, phone);
    }

    [Fact]
    public async Task Each_session_shows_its_device_place_start_and_last_activity_and_this_one_is_marked()
    {
        var (_, accountId, laptop, phone) = await TwoBrowsersAsync();
        using var _l = laptop;
        using var _p = phone;

        var page = await laptop.SessionsPageAsync();

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Active sessions", page.Heading);
        var cards = page.SessionCards();
        Assert.Equal(2, cards.Count);
        Assert.Equal(("Chrome on Windows", true), (cards[0].Device, cards[0].ThisDevice));
        Assert.Equal(("Safari on iPhone", false), (cards[1].Device, cards[1].ThisDevice));
        Assert.All(cards, c => Assert.StartsWith("Local network (10.", c.Location));
        Assert.All(cards, c => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", c.Started));
        Assert.Equal((await app.SessionIdsAsync(accountId)).Select(id => id.ToString()).Order(), cards.Select(c => c.SessionId).Order());
        Assert.True(page.HasButton(ActivityPages.SignOutEverywhereElse));

        // From the phone, the phone is "This device".
        var fromPhone = (await phone.SessionsPageAsync()).SessionCards();
        Assert.Equal("Safari on iPhone", fromPhone.Single(c => c.ThisDevice).Device);
    }

    [Fact]
    public async Task Signing_a_session_out_from_another_ends_it_at_its_next_request_and_leaves_this_one()
    {
        var (_, accountId, laptop, phone) = await TwoBrowsersAsync();
        using var _l = laptop;
        using var _p = phone;
        var phoneSession = (await phone.SessionsPageAsync()).SessionCards().Single(c => c.ThisDevice).SessionId;
        Assert.True(await phone.IsSignedInAsync());

        var response = await laptop.SignOutSessionAsync(phoneSession);
        var page = await Page.LoadAsync(laptop, response);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("That session was signed out.", page.Document.QuerySelector("[role=status]")!.TextContent);
        Assert.Equal("Chrome on Windows", Assert.Single(page.SessionCards()).Device);
        (await phone.Http.GetAsync("/account", Ct)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");
        Assert.True(await laptop.IsSignedInAsync());
        Assert.Equal(1, await app.SessionCountAsync(accountId));
        Assert.NotNull(await app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            db.SecurityEvents, e => e.AccountId == accountId && e.Kind == SecurityEventKind.SessionEnded && e.Reason == "other", Ct)));
    }

    [Fact]
    public async Task Signing_out_this_session_from_its_card_signs_this_browser_out()
    {
        var (_, accountId, laptop, phone) = await TwoBrowsersAsync();
        using var _l = laptop;
        using var _p = phone;
        var mine = (await laptop.SessionsPageAsync()).SessionCards().Single(c => c.ThisDevice).SessionId;

        (await laptop.SignOutSessionAsync(mine)).AssertRedirectsTo("/");

        Assert.False(await laptop.IsSignedInAsync());
        Assert.True(await phone.IsSignedInAsync());
        Assert.Equal(1, await app.SessionCountAsync(accountId));
    }

    public static TheoryData<string> NotASessionOfThisAccount => new()
    {
        "not-a-guid", "", "00000000-0000-0000-0000-000000000000", Guid.NewGuid().ToString(), new string('7', 5000), "' OR 1=1 --",
    };

    [Theory]
    [MemberData(nameof(NotASessionOfThisAccount))]
    public async Task A_malformed_or_unknown_session_id_is_refused_with_400_and_a_reference_and_nothing_ends(string sent)
    {
        var (_, accountId, laptop, phone) = await TwoBrowsersAsync();
        using var _l = laptop;
        using var _p = phone;
        var phoneSession = (await phone.SessionsPageAsync()).SessionCards().Single(c => c.ThisDevice).SessionId;

        var page = await Page.LoadAsync(laptop, await laptop.SignOutSessionAsync(phoneSession, sendAs: sent));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("Nothing was signed out.", page.AlertText);
        Assert.NotNull(page.Reference);
        Assert.Equal(2, page.SessionCards().Count);
        Assert.Equal(2, await app.SessionCountAsync(accountId));
        Assert.True(await phone.IsSignedInAsync());
        Assert.True(await laptop.IsSignedInAsync());
    }

    [Fact]
    public async Task Another_accounts_session_id_is_refused_and_that_session_lives_on()
    {
        var (_, mineId, laptop, phone) = await TwoBrowsersAsync();
        using var _l = laptop;
        using var _p = phone;
        var (victim, victimUser) = await app.SignedInAsync();
        using var _v = victim;
        var victimId = (await app.AccountAsync(victimUser.Email))!.Id;
        var victimSession = Assert.Single(await app.SessionIdsAsync(victimId));
        var mySession = (await laptop.SessionsPageAsync()).SessionCards()[0].SessionId;

        var page = await Page.LoadAsync(laptop, await laptop.SignOutSessionAsync(mySession, sendAs: victimSession.ToString()));

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("That is not a session of your account", page.AlertText);
        Assert.NotNull(page.Reference);
        Assert.True(await victim.IsSignedInAsync());
        Assert.Equal([victimSession], await app.SessionIdsAsync(victimId));
        Assert.Equal(2, await app.SessionCountAsync(mineId));
        Assert.True(await laptop.IsSignedInAsync());
        Assert.True(await phone.IsSignedInAsync());
    }

    [Fact]
    public async Task A_sign_out_without_the_antiforgery_token_is_refused()
    {
        var (_, accountId, laptop, phone) = await TwoBrowsersAsync();
        using var _l = laptop;
        using var _p = phone;
        var phoneSession = (await phone.SessionsPageAsync()).SessionCards().Single(c => c.ThisDevice).SessionId;

        var response = await laptop.PostFormAsync("/account/sessions?handler=End", [new("SessionId", phoneSession)]);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(2, await app.SessionCountAsync(accountId));
    }
}

/// <summary>"Sign out everywhere else": needs a sign-in within 10 minutes, then ends all other sessions.</summary>
public sealed class SignOutEverywhereElseTests
{
    [Fact]
    public async Task Right_after_sign_in_it_ends_every_other_session_and_keeps_this_one()
    {
        await using var app = new ThresholdFactory();
        var user = await app.RegisteredUserAsync();
        var browsers = Enumerable.Range(0, 3).Select(_ => new Browser(app)).ToList();
        foreach (var b in browsers) (await b.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        var (me, others) = (browsers[^1], browsers[..^1]);

        var page = await Page.LoadAsync(me, await me.SignOutEverywhereElseAsync());

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("2 other sessions ended", page.Document.QuerySelector("[role=status]")!.TextContent);
        Assert.True(Assert.Single(page.SessionCards()).ThisDevice);
        Assert.Contains("Only this browser is signed in.", page.MainText);
        foreach (var other in others) Assert.False(await other.IsSignedInAsync());
        Assert.True(await me.IsSignedInAsync());
        Assert.Equal(1, await app.SessionCountAsync(accountId));
        browsers.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task Eleven_minutes_after_sign_in_it_asks_for_the_password_first_and_ends_nothing_until_then()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ThresholdFactory { Clock = clock };
        var user = await app.RegisteredUserAsync();
        using var other = new Browser(app);
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        using var me = new Browser(app);
        (await me.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var accountId = (await app.AccountAsync(user.Email))!.Id;

        clock.Advance(TimeSpan.FromMinutes(11));
        var asked = await me.SignOutEverywhereElseAsync();

        asked.AssertRedirectsTo("/account/reauthenticate?returnUrl=%2Faccount%2Fsessions");
        Assert.Equal(2, await app.SessionCountAsync(accountId));
        Assert.True(await other.IsSignedInAsync());

        (await me.ReauthenticateAsync(asked.RedirectTarget(), user.Password)).AssertRedirectsTo("/account/sessions");
        var page = await Page.LoadAsync(me, await me.SignOutEverywhereElseAsync());

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("1 other session ended", page.Document.QuerySelector("[role=status]")!.TextContent);
        Assert.False(await other.IsSignedInAsync());
        Assert.True(await me.IsSignedInAsync());
        Assert.Equal(1, await app.SessionCountAsync(accountId));
    }
}

/// <summary>Ending another browser's session needs a recent sign-in too (ASVS 7.5.2); ending this one never does.</summary>
public sealed class SignOutOneSessionReauthenticationTests
{
    [Fact]
    public async Task Eleven_minutes_after_sign_in_ending_another_session_asks_for_the_password_first_and_ends_nothing_until_then()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ThresholdFactory { Clock = clock };
        var user = await app.RegisteredUserAsync();
        using var other = new Browser(app);
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        using var me = new Browser(app);
        (await me.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        var otherSession = (await other.SessionsPageAsync()).SessionCards().Single(c => c.ThisDevice).SessionId;

        clock.Advance(TimeSpan.FromMinutes(11));
        var asked = await me.SignOutSessionAsync(otherSession);

        asked.AssertRedirectsTo("/account/reauthenticate?returnUrl=%2Faccount%2Fsessions");
        Assert.Equal(2, await app.SessionCountAsync(accountId));
        Assert.True(await other.IsSignedInAsync());

        (await me.ReauthenticateAsync(asked.RedirectTarget(), user.Password)).AssertRedirectsTo("/account/sessions");
        var page = await Page.LoadAsync(me, await me.SignOutSessionAsync(otherSession));

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.False(await other.IsSignedInAsync());
        Assert.True(await me.IsSignedInAsync());
    }

    [Fact]
    public async Task Eleven_minutes_after_sign_in_this_browsers_own_card_still_signs_it_out_at_once()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var app = new ThresholdFactory { Clock = clock };
        var user = await app.RegisteredUserAsync();
        using var me = new Browser(app);
        (await me.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var mine = (await me.SessionsPageAsync()).SessionCards().Single(c => c.ThisDevice).SessionId;

        clock.Advance(TimeSpan.FromMinutes(11));
        (await me.SignOutSessionAsync(mine)).AssertRedirectsTo("/");

        Assert.False(await me.IsSignedInAsync());
    }
}
