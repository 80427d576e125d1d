using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Activity;

namespace Threshold.Web.Tests;

/// <summary>/account/activity: what a person reads about the attempts to sign in to their account.</summary>
public sealed class LoginHistoryPageTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    [Fact]
    public async Task History_lists_successes_and_failures_newest_first_with_result_method_device_address_and_place()
    {
        var user = await app.RegisteredUserAsync();
        using var laptop = new Browser(app, UserAgents.FirefoxOnLinux);
        var wrong = await Page.LoadAsync(laptop, await laptop.SignInAsync(user.Username, user.Password + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        (await laptop.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        using var phone = new Browser(app, UserAgents.SafariOnIPhone);
        (await phone.SignInAsync(user.Email, user.Password)).AssertRedirectsTo("/account");
        var phoneAddress = phone.Http.DefaultRequestHeaders.GetValues(ClientAddress.Header).Single();
        var laptopAddress = laptop.Http.DefaultRequestHeaders.GetValues(ClientAddress.Header).Single();

        var page = await laptop.ActivityAsync();

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Login history", page.Heading);
        var rows = page.HistoryRows();
        Assert.Equal(3, rows.Count);
        Assert.Equal(("Signed in", "Password", "Safari on iPhone", phoneAddress, "Local network"), (rows[0].Result, rows[0].Method, rows[0].Device, rows[0].Address, rows[0].Location));
        Assert.True(rows[0].NewDevice);
        Assert.False(rows[0].NewCountry);
        Assert.Equal(("Signed in", "Password", "Firefox on Linux", laptopAddress), (rows[1].Result, rows[1].Method, rows[1].Device, rows[1].Address));
        Assert.False(rows[1].NewDevice);
        Assert.Equal(("Wrong password", "Password", "Firefox on Linux", laptopAddress), (rows[2].Result, rows[2].Method, rows[2].Device, rows[2].Address));
        Assert.False(rows[2].NewDevice);

        // Times are written in UTC, with the ISO instant for the script that shows local time.
        Assert.All(rows, r => Assert.EndsWith(" UTC", r.Utc));
        Assert.All(rows, r => Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", r.Iso));
        Assert.True(string.CompareOrdinal(rows[0].Iso, rows[2].Iso) >= 0);
        var time = page.Document.QuerySelector("main table time")!;
        Assert.Equal(Page.Normalize(time.TextContent), time.GetAttribute("title"));

        // "This wasn't me" names the entry by its reference code.
        Assert.Equal("/account/not-me?reference=" + wrong.Reference, rows[2].NotMeHref);
        foreach (var row in rows)
        {
            var reference = row.NotMeHref![(row.NotMeHref!.IndexOf('=') + 1)..];
            var recorded = await app.EventAsync(reference);
            Assert.Equal((await app.AccountAsync(user.Email))!.Id, recorded!.AccountId);
        }
        Assert.NotNull(page.Document.QuerySelector("main table caption"));
        Assert.All(page.Document.QuerySelectorAll("main table thead th"), th => Assert.Equal("col", th.GetAttribute("scope")));
    }

    [Fact]
    public async Task Another_accounts_attempts_are_not_in_the_history()
    {
        var (mine, me) = await app.SignedInAsync();
        using var _ = mine;
        var other = await app.RegisteredUserAsync();
        using var stranger = new Browser(app);
        await stranger.SignInAsync(other.Username, other.Password + "x");
        await stranger.SignInAsync(other.Username, other.Password);

        var rows = (await mine.ActivityAsync()).HistoryRows();
        var row = Assert.Single(rows);
        Assert.Equal("Signed in", row.Result);
    }

    [Fact]
    public async Task The_account_page_links_to_the_login_history_and_the_sessions()
    {
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;
        var account = await browser.GetAsync("/account");
        Assert.Equal("/account/activity", account.Link("Login history").Href());
        Assert.Equal("/account/sessions", account.Link("Active sessions").Href());
    }

    [Theory]
    [InlineData("/account/activity")]
    [InlineData("/account/sessions")]
    public async Task Signed_out_visits_go_to_sign_in_and_back(string path)
    {
        using var browser = new Browser(app);
        (await browser.Http.GetAsync(path, Ct)).AssertRedirectsTo("/signin?returnUrl=" + Uri.EscapeDataString(path));
    }

    [Fact]
    public async Task Pages_of_20_link_to_newer_and_older_and_a_page_past_the_end_says_so_with_200()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<ISecurityEventLog>();
            for (var i = 1; i <= 24; i++)
                await log.RecordAsync(SecurityEvent.Of(SecurityEventKind.SignInFailed, DateTimeOffset.UtcNow.AddDays(-i),
                    new ClientInfo("198.51.100.7", UserAgents.ChromeOnWindows), Core.Errors.ReferenceCode.New(), accountId, user.Username, "wrong_password"), Ct);
        }

        var first = await browser.ActivityAsync();
        Assert.Equal(20, first.HistoryRows().Count);
        Assert.Equal("Signed in", first.HistoryRows()[0].Result);
        Assert.Null(first.Link("Newer"));
        Assert.Equal("/account/activity?page=2", first.Link("Older").Href());

        var second = await browser.GetAsync(first.Link("Older").Href());
        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.Equal(5, second.HistoryRows().Count);
        Assert.All(second.HistoryRows(), r => Assert.Equal(("Wrong password", "Chrome on Windows"), (r.Result, r.Device)));
        Assert.Equal("/account/activity?page=1", second.Link("Newer").Href());
        Assert.Null(second.Link("Older"));

        foreach (var beyond in new[] { "3", "1000", "2147483647", "99999999999999999999" })
        {
            var past = await browser.ActivityAsync("?page=" + beyond);
            Assert.Equal(HttpStatusCode.OK, past.Status);
            Assert.Contains("There is nothing more to show: your history has 2 pages.", past.MainText);
            Assert.Equal("/account/activity", past.Link("Go to the newest entries").Href());
            Assert.Null(past.Document.QuerySelector("main table"));
        }
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("%201")]
    [InlineData("")]
    public async Task A_page_value_that_is_not_a_page_number_is_a_clear_400_with_a_reference(string value)
    {
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;
        var page = await browser.ActivityAsync("?page=" + value);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("There is no such page of your history.", page.AlertText);
        Assert.NotNull(page.Reference);
        Assert.Equal("/account/activity", page.Link("Go to the newest entries").Href());
    }

    [Fact]
    public async Task Two_page_values_are_refused_too()
    {
        var (browser, _) = await app.SignedInAsync();
        using var _b = browser;
        var page = await browser.ActivityAsync("?page=1&page=2");
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
    }
}

/// <summary>Two-step sign-ins in the history: the wrong code and the method pair.</summary>
public sealed class TwoStepHistoryTests
{
    [Fact]
    public async Task A_wrong_code_and_a_sign_in_with_an_authenticator_app_show_both_steps()
    {
        var clock = TwoFactorPages.NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(TwoFactorPages.SecondStepToAccount);
        var wrong = await (await browser.SecondStepAsync()).EnterCodeAndLoadAsync(clock.WrongCode(totp.Key));
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        clock.Advance(TimeSpan.FromSeconds(1));
        (await wrong.EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account");

        var rows = (await browser.ActivityAsync()).HistoryRows();
        Assert.Equal(("Signed in", "Password + Authenticator app"), (rows[0].Result, rows[0].Method));
        Assert.Equal(("Wrong code", "Password + Authenticator app"), (rows[1].Result, rows[1].Method));
        Assert.Equal(wrong.Reference, rows[1].NotMeHref!.Split('=')[1]);
        // The password step on its own is not a line of its own: only these two attempts are listed.
        Assert.Equal(2, rows.Count);
    }
}
