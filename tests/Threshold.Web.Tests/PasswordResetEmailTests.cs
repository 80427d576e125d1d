using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using static Threshold.Web.Tests.Infrastructure.RecoveryPages;

namespace Threshold.Web.Tests;

/// <summary>
/// "Forgot password?" by email link: the same answer for known and unknown identifiers, a link on
/// PublicOrigin that a GET never uses, one POST that sets the password, ends every session and tells
/// the owner; the link's lifetime (default 30 minutes, 15–60 allowed) and single use.
/// </summary>
public sealed class PasswordResetEmailTests
{
    private static string Fresh(string label) => $"{label} copper meadow {Guid.NewGuid().ToString("N")[..6]}";

    [Fact]
    public async Task The_email_journey_answers_alike_for_unknown_identifiers_resets_once_and_signs_out_every_session()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        var hashBefore = (await app.AccountAsync(user.Email))!.PasswordHash;
        using var other = app.NewBrowser();   // signed in before the reset, on another device
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");

        // By email, by username, by email in another case: each answered exactly like an unknown one.
        var unknownEmail = TestUser.UniqueEmail();
        var pairs = new (string Known, string Unknown)[]
        {
            (user.Email, unknownEmail), (user.Username, TestUser.UniqueUsername()), (user.Email.ToUpperInvariant(), unknownEmail.ToUpperInvariant()),
        };
        var expectedLinks = 0;
        foreach (var (known, unknown) in pairs)
        {
            using var a = app.NewBrowser();
            using var b = app.NewBrowser();
            var outboxBefore = await app.OutboxCountAsync();
            var unknownPage = await b.RequestResetAndLoadAsync(unknown);
            Assert.Equal(outboxBefore, await app.OutboxCountAsync());   // nothing queued for nobody
            var knownPage = await a.RequestResetAndLoadAsync(known);

            Assert.Equal(HttpStatusCode.OK, knownPage.Status);
            Assert.Equal(knownPage.Status, unknownPage.Status);
            Assert.Equal("Check your email", knownPage.Heading);
            Assert.Equal(knownPage.MainText, unknownPage.MainText);
            Assert.Contains("30 minutes", knownPage.MainText);
            Assert.DoesNotContain(user.Email, knownPage.Html, StringComparison.OrdinalIgnoreCase);
            Assert.Null(BindingCookieOf(a));
            Assert.Equal(++expectedLinks, (await app.ResetMessagesToAsync(user.Email)).Count);
            Assert.Equal(outboxBefore + 1, await app.OutboxCountAsync());
            clock.Advance(TimeSpan.FromSeconds(61));   // past the per-identifier cooldown
        }

        var messages = await app.ResetMessagesToAsync(user.Email);
        Assert.All(messages, m =>
        {
            Assert.Equal(MessageChannel.Email, m.Channel);
            Assert.Contains(user.Username, m.TextBody);
            Assert.StartsWith(PublicOrigin + "/recover/password/reset?token=", ResetLinkIn(m.TextBody));
            Assert.Matches(Page.ReferencePattern(), m.TextBody);
        });
        var firstLink = ResetLinkIn(messages[0].TextBody);
        var link = await app.ResetLinkAsync(user.Email);
        var token = Mail.TokenOf(link);
        Assert.True(token.Length >= 22, "A token of at least 128 bits");   // base64url: 22 characters carry 128 bits
        // Stored only as its hash: the row is found by the hash, and no column holds the token.
        var stored = await app.QueryAsync(db => db.ResetTickets.AsNoTracking().ToListAsync(Ct));
        Assert.NotNull(await app.TicketAsync(token));
        Assert.All(stored, t => Assert.DoesNotContain(token, string.Join("|", t.SecretHash, t.RequestKey, t.BrowserBindingHash, t.Destination, t.SecurityStamp)));
        Assert.DoesNotContain(await app.QueryAsync(db => db.SecurityEvents.AsNoTracking().ToListAsync(Ct)),
            e => $"{e.Identifier}|{e.Reason}|{e.UserAgent}".Contains(token, StringComparison.Ordinal));

        // Opening the link (as a mail scanner would, twice) changes nothing and says whose account it is.
        using var browser = app.NewBrowser();
        for (var i = 0; i < 2; i++)
        {
            var open = await browser.GetAsync(Site.PathOf(link));
            Assert.Equal(HttpStatusCode.OK, open.Status);
            Assert.Equal("Choose a new password", open.Heading);
            Assert.Contains(user.Username, open.MainText);
            Assert.True(open.HasControl(NewPasswordLabel));
            // The token is in this page's address: never sent on as a Referer, never cached.
            Assert.Equal("no-referrer", string.Join(",", open.Response.Headers.GetValues("Referrer-Policy")));
            Assert.Contains("no-store", open.Response.Headers.CacheControl?.ToString());
        }
        Assert.Null((await app.TicketAsync(token))!.UsedAt);
        Assert.Equal(hashBefore, (await app.AccountAsync(user.Email))!.PasswordHash);
        Assert.False((await app.AccountAsync(user.Email))!.EmailConfirmed);

        var next = Fresh("Reset");
        var done = await browser.ResetWithLinkAsync(link, next);
        done.AssertRedirectsTo("/signin?reset=done");
        var signIn = await browser.FollowAsync(done);
        Assert.Equal(HttpStatusCode.OK, signIn.Status);
        Assert.Contains("Your password was changed", signIn.Document.QuerySelector("[role=status]")?.TextContent);

        // The new password works, the old one gets the old-password hint with "This wasn't me".
        Assert.True(await app.SignsInAsync(user.Username, next));
        using (var late = app.NewBrowser())
        {
            var old = await Page.LoadAsync(late, await late.SignInAsync(user.Username, user.Password));
            Assert.Equal(HttpStatusCode.Unauthorized, old.Status);
            Assert.Contains("That's an old password", old.AlertText);
            Assert.NotNull(old.Link("This wasn't me"));
        }

        // The other device was signed out.
        var stale = await other.Http.GetAsync("/account", Ct);
        Assert.Equal(HttpStatusCode.Found, stale.StatusCode);
        Assert.StartsWith("/signin", stale.RedirectTarget());

        // Opening the link proved the address; the owner is told; the event log has both steps.
        var account = (await app.AccountAsync(user.Email))!;
        Assert.True(account.EmailConfirmed);
        var notice = await app.MessageToAsync(user.Email, "password-changed");
        Assert.DoesNotContain(next, notice.TextBody);
        var events = await app.QueryAsync(db => db.SecurityEvents.AsNoTracking().Where(e => e.AccountId == accountId).ToListAsync(Ct));
        Assert.Equal(3, events.Count(e => e.Kind == SecurityEventKind.PasswordResetRequested));
        var reset = Assert.Single(events, e => e.Kind == SecurityEventKind.PasswordReset);
        Assert.Equal(notice.ReferenceCode, reset.ReferenceCode);
        Assert.Equal(3, await app.QueryAsync(db => db.SecurityEvents.CountAsync(e => e.Kind == SecurityEventKind.PasswordResetRequested && e.AccountId == null, Ct)));

        // Every other link of the account stopped working with the change.
        var earlier = await browser.GetAsync(Site.PathOf(firstLink));
        Assert.Equal(HttpStatusCode.Gone, earlier.Status);
        Assert.Equal("This link is no longer valid", earlier.Heading);
    }

    [Fact]
    public async Task The_link_works_at_29_minutes_and_is_refused_as_expired_at_31()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var early = await app.RegisterAsync(NewUser());
        var late = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.RequestResetAsync(early.Email)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.RequestResetAsync(late.Email)).StatusCode);
        var earlyLink = await app.ResetLinkAsync(early.Email);
        var lateLink = await app.ResetLinkAsync(late.Email);

        clock.Advance(TimeSpan.FromMinutes(29));
        var next = Fresh("In time");
        (await browser.ResetWithLinkAsync(earlyLink, next)).AssertRedirectsTo("/signin?reset=done");
        Assert.True(await app.SignsInAsync(early.Email, next));

        clock.Advance(TimeSpan.FromMinutes(2));   // 31 minutes
        var expired = await browser.GetAsync(Site.PathOf(lateLink));
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Equal("This link has expired", expired.Heading);
        Assert.Contains("30 minutes", expired.AlertText);
        Assert.NotNull(expired.Reference);
        Assert.False(expired.HasControl(NewPasswordLabel));
        Assert.True(expired.HasButton("Send a new link"));

        var posted = await browser.PostResetAsync(Mail.TokenOf(lateLink), Fresh("Too late"));
        Assert.Equal(HttpStatusCode.Gone, posted.Status);
        Assert.Equal("This link has expired", posted.Heading);
        Assert.Null((await app.TicketAsync(Mail.TokenOf(lateLink)))!.UsedAt);
        Assert.True(await app.SignsInAsync(late.Email, late.Password));
    }

    [Theory]
    [InlineData("00:15:00")]
    [InlineData("01:00:00")]
    public async Task A_configured_lifetime_at_either_end_of_the_range_is_used(string lifetime)
    {
        var minutes = (int)TimeSpan.Parse(lifetime).TotalMinutes;
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock, new Dictionary<string, string?> { ["Recovery:LinkLifetime"] = lifetime });
        var user = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        var sent = await browser.RequestResetAndLoadAsync(user.Email);
        Assert.Contains($"{minutes} minutes", sent.MainText);
        var link = await app.ResetLinkAsync(user.Email);
        Assert.Contains($"{minutes} minutes", (await app.NewestResetMessageToAsync(user.Email)).TextBody);

        clock.Advance(TimeSpan.FromMinutes(minutes) - TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(Site.PathOf(link))).Status);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(Site.PathOf(link))).Status);
    }

    [Theory]
    [InlineData("00:14:59")]
    [InlineData("01:00:01")]
    [InlineData("00:00:00")]
    [InlineData("1.00:00:00")]
    public async Task A_link_lifetime_outside_15_to_60_minutes_stops_the_app_at_start_up(string lifetime)
    {
        await using var app = new ThresholdFactory { Settings = new Dictionary<string, string?> { ["Recovery:LinkLifetime"] = lifetime } };
        var thrown = Record.Exception(() => app.Services);
        Assert.NotNull(thrown);
        var validation = Flatten(thrown).OfType<OptionsValidationException>().FirstOrDefault();
        Assert.True(validation is not null, $"Expected an OptionsValidationException, got {thrown}");
        Assert.Contains("LinkLifetime", validation.Message);
    }

    private static IEnumerable<Exception> Flatten(Exception e)
    {
        yield return e;
        if (e is AggregateException aggregate)
            foreach (var inner in aggregate.InnerExceptions.SelectMany(Flatten)) yield return inner;
        else if (e.InnerException is not null)
            foreach (var inner in Flatten(e.InnerException)) yield return inner;
    }

    [Fact]
    public async Task A_link_works_once_a_second_post_says_already_used_and_changes_nothing()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        await browser.RequestResetAsync(user.Email);
        var link = await app.ResetLinkAsync(user.Email);
        var first = Fresh("First");
        (await browser.ResetWithLinkAsync(link, first)).AssertRedirectsTo("/signin?reset=done");
        var hash = (await app.AccountAsync(user.Email))!.PasswordHash;
        var notices = (await app.MessagesToAsync(user.Email)).Count(m => m.Template == "password-changed");

        using var someoneElse = app.NewBrowser();
        var second = await someoneElse.PostResetAsync(Mail.TokenOf(link), Fresh("Second"));
        Assert.Equal(HttpStatusCode.Gone, second.Status);
        Assert.Equal("This link has already been used", second.Heading);
        Assert.NotNull(second.Reference);
        Assert.True(second.HasButton("Send a new link"));
        Assert.Equal(hash, (await app.AccountAsync(user.Email))!.PasswordHash);
        Assert.Equal(notices, (await app.MessagesToAsync(user.Email)).Count(m => m.Template == "password-changed"));

        var again = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Contains("already been used", again.Heading);
        Assert.True(await app.SignsInAsync(user.Email, first));
    }

    [Fact]
    public async Task Posting_the_same_link_at_once_from_several_browsers_resets_exactly_once()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        using (var asker = app.NewBrowser()) await asker.RequestResetAsync(user.Email);
        var token = Mail.TokenOf(await app.ResetLinkAsync(user.Email));
        var browsers = Enumerable.Range(0, 4).Select(_ => app.NewBrowser()).ToList();
        var forms = new List<List<KeyValuePair<string, string>>>();
        foreach (var b in browsers)
            forms.Add([new("__RequestVerificationToken", await b.AntiforgeryTokenAsync("/recover/password")), new("token", token),
                new("Input.NewPassword", Fresh("Racer"))]);

        var responses = await Task.WhenAll(browsers.Select((b, i) => b.PostFormAsync("/recover/password/reset", forms[i])));

        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Found));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Found), r => Assert.Equal(HttpStatusCode.Gone, r.StatusCode));
        var winner = forms[Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.Found)].Single(f => f.Key == "Input.NewPassword").Value;
        Assert.True(await app.SignsInAsync(user.Email, winner));
        Assert.Single(await app.MessagesToAsync(user.Email), m => m.Template == "password-changed");
        browsers.ForEach(b => b.Dispose());
    }

    [Fact]
    public async Task A_password_change_after_the_request_voids_the_link()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        await browser.RequestResetAsync(user.Email);
        var link = await app.ResetLinkAsync(user.Email);

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var changedTo = Fresh("Changed");
        var security = await browser.GetAsync("/account/security");
        var changed = await security.Form("Change password").Fill("Current password", user.Password).Fill("New password", changedTo).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Null(changed.Alert);

        using var mailReader = app.NewBrowser();
        var open = await mailReader.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, open.Status);
        Assert.Equal("This link is no longer valid", open.Heading);
        Assert.Contains("The password was changed after this link was sent", open.AlertText);
        Assert.False(open.HasControl(NewPasswordLabel));

        var posted = await mailReader.PostResetAsync(Mail.TokenOf(link), Fresh("Sneaky"));
        Assert.Equal(HttpStatusCode.Gone, posted.Status);
        Assert.True(await app.SignsInAsync(user.Email, changedTo));
    }

    [Fact]
    public async Task A_used_link_offers_a_new_one_in_one_click_after_the_cooldown_and_asks_to_wait_before()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        await browser.RequestResetAsync(user.Email);
        var link = await app.ResetLinkAsync(user.Email);
        clock.Advance(TimeSpan.FromSeconds(10));
        (await browser.ResetWithLinkAsync(link, Fresh("Done"))).AssertRedirectsTo("/signin?reset=done");

        clock.Advance(TimeSpan.FromSeconds(10));   // 20 s after the request: still within the 60 s cooldown
        var used = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, used.Status);
        var wait = await used.Form("Send a new link").SubmitAndLoadAsync();
        Assert.Equal((HttpStatusCode)429, wait.Status);
        Assert.Contains("wait", wait.Heading, StringComparison.OrdinalIgnoreCase);
        Page.AssertIsSentence(wait.AlertTextWithoutReference);
        Assert.Single(await app.ResetMessagesToAsync(user.Email));

        clock.Advance(TimeSpan.FromSeconds(45));
        var resent = await (await browser.GetAsync(Site.PathOf(link))).Form("Send a new link").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, resent.Status);
        Assert.Equal("Check your email", resent.Heading);
        Assert.Equal(2, (await app.ResetMessagesToAsync(user.Email)).Count);
        var fresh = await app.ResetLinkAsync(user.Email);
        Assert.NotEqual(link, fresh);
        var open = await browser.GetAsync(Site.PathOf(fresh));
        Assert.Equal(HttpStatusCode.OK, open.Status);
        Assert.Contains(user.Username, open.MainText);
    }

    [Fact]
    public async Task An_expired_link_offers_a_new_one_that_works()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        await browser.RequestResetAsync(user.Username);
        var link = await app.ResetLinkAsync(user.Email);
        clock.Advance(TimeSpan.FromMinutes(31));

        var expired = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        var resent = await expired.Form("Send a new link").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, resent.Status);
        Assert.Equal("Check your email", resent.Heading);
        var fresh = await app.ResetLinkAsync(user.Email);
        var next = Fresh("Renewed");
        (await browser.ResetWithLinkAsync(fresh, next)).AssertRedirectsTo("/signin?reset=done");
        Assert.True(await app.SignsInAsync(user.Username, next));
    }

    [Fact]
    public async Task Send_a_new_link_at_the_hourly_limit_says_when_to_try_again()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await app.RegisterAsync(NewUser());
        using var browser = app.NewBrowser();
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await browser.RequestResetAsync(user.Email)).StatusCode);
            clock.Advance(TimeSpan.FromSeconds(61));
        }
        var link = ResetLinkIn((await app.ResetMessagesToAsync(user.Email))[0].TextBody);
        clock.Advance(TimeSpan.FromMinutes(30));   // the first link has expired; the hour is not over

        var expired = await browser.GetAsync(Site.PathOf(link));
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        var wait = await expired.Form("Send a new link").SubmitAndLoadAsync();

        Assert.Equal((HttpStatusCode)429, wait.Status);
        Assert.Equal(5, (await app.ResetMessagesToAsync(user.Email)).Count);
        // The next request is possible 60 min after the first, i.e. in about 25 minutes: the answer must say so,
        // as the request page does ("You can ask again in 25 minutes", Retry-After), not "less than a minute ago".
        Assert.True(wait.Response.Headers.RetryAfter is not null, "No Retry-After header on the 429");
        Assert.Contains("25 minutes", wait.AlertText);
    }
}
