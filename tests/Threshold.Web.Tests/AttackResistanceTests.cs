using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Defense;
using Threshold.Core.Passwords;

namespace Threshold.Web.Tests;

/// <summary>
/// Issue 6: throttles per identifier, account, device and network; device cookies; the
/// proof-of-work challenge; pauses; the owner's email. With a fake clock.
/// </summary>
public sealed class AttackResistanceTests
{
    private const string ChallengeText = "For your safety, your browser needs to finish a short check before we look at your password. Type your password again and press Sign in.";
    private const string DeviceCookie = "Threshold.Device";

    private static (ThresholdFactory App, FakeTimeProvider Clock, Func<CountingPasswordHasher> Hasher) Create(Dictionary<string, string?>? settings = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        CountingPasswordHasher? hasher = null;
        var all = new Dictionary<string, string?> { ["ProofOfWork:MaxNumber"] = "2000" };
        foreach (var (k, v) in settings ?? []) all[k] = v;
        var app = new ThresholdFactory
        {
            Clock = clock,
            Settings = all,
            TestServices = services => services.AddSingleton<IPasswordHasher<Account>>(sp =>
                hasher = new CountingPasswordHasher(new Argon2idPasswordHasher(sp.GetRequiredService<IOptions<PasswordSettings>>()))),
        };
        return (app, clock, () => hasher ?? throw new Xunit.Sdk.XunitException("The counting hasher was not used"));
    }

    /// <summary>One sign-in attempt as a person with a working browser makes it: a challenge shown instead is answered and the form sent again.</summary>
    private static async Task<Page> AttemptAsync(Browser browser, string identifier, string password)
    {
        var page = await browser.GetAsync("/signin");
        var answer = await page.SubmitSignInAsync(identifier, password);
        return answer.AlertTextWithoutReference == ChallengeText ? await answer.SubmitSignInAsync(identifier, password) : answer;
    }

    private static async Task<TestUser> ConfirmedUserAsync(ThresholdFactory app)
    {
        var user = TestUser.New();
        using var browser = new Browser(app);
        var link = await browser.RegisterAndGetLinkAsync(app, user);
        var confirm = await browser.GetAsync(Site.PathOf(link));
        (await confirm.Form("Confirm email address").SubmitAsync()).AssertRedirectsTo("/account");
        return user;
    }

    private static Task<int> FailuresAsync(ThresholdFactory app, string key) =>
        app.QueryAsync(db => db.Set<ThrottleCounter>().Where(c => c.Key == key).Select(c => c.Failures).FirstOrDefaultAsync(Ct));

    [Fact]
    public async Task The_owner_with_a_device_cookie_signs_in_during_an_attack_while_a_fresh_client_is_challenged_then_refused()
    {
        var (app, clock, hasher) = Create();
        await using var _ = app;
        var owner = await ConfirmedUserAsync(app);
        using var ownersBrowser = new Browser(app);
        (await ownersBrowser.SignInAsync(owner.Username, owner.Password)).AssertRedirectsTo("/account");
        Assert.NotNull(ownersBrowser.Cookie(DeviceCookie));
        (await ownersBrowser.SignOutAsync()).EnsureSuccessOrRedirect();

        // The attacker: a fresh browser (no device cookie) for every attempt, each from a new address.
        for (var i = 1; i <= 5; i++)
        {
            using var attacker = new Browser(app);
            var page = await Page.LoadAsync(attacker, await attacker.SignInAsync(owner.Email, "wrong password " + i));
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        }
        using (var sixth = new Browser(app))
        {
            hasher().Reset();
            var page = await Page.LoadAsync(sixth, await sixth.SignInAsync(owner.Email, "wrong password 6"));
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
            Assert.Equal(ChallengeText, page.AlertTextWithoutReference);
            Assert.NotNull(Challenges.ChallengeOf(page));
            Assert.NotNull(page.Reference);
            Assert.Equal(0, hasher().Verifications); // the password was never looked at
        }
        for (var i = 6; i <= 10; i++)
        {
            using var attacker = new Browser(app);
            var page = await AttemptAsync(attacker, owner.Email, "wrong password " + i);
            Assert.Contains("not right", page.AlertText);
        }

        // Paused: a fresh client is refused even with the right password, and told when to come back.
        using var fresh = new Browser(app);
        hasher().Reset();
        var refused = await AttemptAsync(fresh, owner.Username, owner.Password);
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("60", refused.Response.Headers.RetryAfter?.ToString());
        Assert.Contains("You can try again in 60 seconds", refused.AlertText);
        Assert.NotNull(refused.Link("Forgot password?"));
        Assert.Null(fresh.Cookie(Browser.SessionCookie));
        Assert.Equal(0, hasher().Verifications);

        // The owner's known device signs in straight away, without a challenge.
        var ownerPage = await ownersBrowser.GetAsync("/signin");
        Assert.Null(Challenges.ChallengeOf(ownerPage));
        (await ownerPage.Form("Sign in").Fill("Email or username", owner.Email).Fill("Password", owner.Password).SubmitAsync())
            .AssertRedirectsTo("/account");

        // One email to the owner for this lock period, with no sign-in link: its one link is "This wasn't me".
        var notices = (await app.MessagesToAsync(owner.Email)).Where(m => m.Template == "signin-paused").ToList();
        var notice = Assert.Single(notices);
        Assert.Contains("Someone is trying to sign in", notice.Subject);
        NoticePages.AssertSecurityNotice(notice);
    }

    [Fact]
    public async Task Pauses_double_and_the_owner_is_emailed_once_per_lock_period()
    {
        var (app, clock, _) = Create();
        await using var _ = app;
        var owner = await ConfirmedUserAsync(app);
        for (var i = 1; i <= 10; i++)
        {
            using var attacker = new Browser(app);
            await AttemptAsync(attacker, owner.Username, "wrong " + i);
        }
        var waits = new List<string?>();
        for (var round = 0; round < 3; round++)
        {
            using var attacker = new Browser(app);
            var refused = await AttemptAsync(attacker, owner.Username, "wrong again");
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
            waits.Add(refused.Response.Headers.RetryAfter?.ToString());
            clock.Advance(TimeSpan.FromSeconds(int.Parse(waits[^1]!)));
            using var next = new Browser(app);
            Assert.Contains("not right", (await AttemptAsync(next, owner.Username, "wrong after the pause")).AlertText);
        }
        Assert.Equal(["60", "120", "240"], waits);
        Assert.Single(await app.MessagesToAsync(owner.Email), m => m.Template == "signin-paused");

        // After the pause, the right password from a new device works (with a challenge) and resets the count.
        clock.Advance(TimeSpan.FromMinutes(8));
        using var owners = new Browser(app);
        var ok = await AttemptAsync(owners, owner.Username, owner.Password);
        Assert.Equal(HttpStatusCode.Found, ok.Status);
        Assert.NotNull(owners.Cookie(Browser.SessionCookie));
        var account = await app.AccountAsync(owner.Email);
        Assert.Equal(0, await FailuresAsync(app, ThrottleKeys.Account(account!.Id)));
    }

    [Fact]
    public async Task Existing_and_unknown_identifiers_get_identical_answers_under_throttling()
    {
        var (app, _, _) = Create();
        await using var _ = app;
        var user = await app.RegisteredUserAsync();
        var unknown = TestUser.UniqueEmail();
        for (var i = 1; i <= 12; i++)
        {
            using var a = new Browser(app);
            using var b = new Browser(app);
            var existing = await Page.LoadAsync(a, await a.SignInAsync(user.Email, "wrong password " + i));
            var nobody = await Page.LoadAsync(b, await b.SignInAsync(unknown, "wrong password " + i));
            Assert.Equal(existing.Status, nobody.Status);
            Assert.Equal(existing.AlertTextWithoutReference, nobody.AlertTextWithoutReference);
            Assert.Equal(existing.Response.Headers.RetryAfter?.ToString(), nobody.Response.Headers.RetryAfter?.ToString());
            Assert.Equal(Challenges.ChallengeOf(existing) is null, Challenges.ChallengeOf(nobody) is null);
            if (Challenges.ChallengeOf(existing) is not null && existing.Status == HttpStatusCode.Unauthorized)
            {
                var existingAnswer = await existing.SubmitSignInAsync(user.Email, "wrong password " + i);
                var nobodyAnswer = await nobody.SubmitSignInAsync(unknown, "wrong password " + i);
                Assert.Equal(existingAnswer.Status, nobodyAnswer.Status);
                Assert.Equal(existingAnswer.AlertTextWithoutReference, nobodyAnswer.AlertTextWithoutReference);
            }
        }
    }

    [Fact]
    public async Task Forged_replayed_and_oversized_answers_and_forged_device_cookies_are_refused_without_resetting_counters()
    {
        var (app, _, hasher) = Create();
        await using var _ = app;
        var user = await app.RegisteredUserAsync();
        var key = ThrottleKeys.Identifier(Identifiers.Normalize(user.Username));
        for (var i = 1; i <= 5; i++)
        {
            using var attacker = new Browser(app);
            await attacker.SignInAsync(user.Username, "wrong " + i);
        }
        Assert.Equal(5, await FailuresAsync(app, key));

        using var browser = new Browser(app);
        var challenged = await Page.LoadAsync(browser, await browser.SignInAsync(user.Username, "wrong"));
        var challenge = Challenges.ChallengeOf(challenged)!;
        var forged = new Dictionary<string, Func<string, string?>>
        {
            ["garbage"] = _ => "definitely not base64 ☃",
            ["oversized"] = _ => new string('A', 200_000),
            ["empty JSON"] = _ => Convert.ToBase64String("{}"u8.ToArray()),
            ["tampered signature"] = c => Convert.ToBase64String(System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(
                System.Text.Json.JsonDocument.Parse(Convert.FromBase64String(Challenges.Solve(c))).RootElement.EnumerateObject()
                    .ToDictionary(p => p.Name, p => p.Name == "signature" ? (object)new string('0', 64) : p.Value))),
            ["unanswered, too early"] = _ => null,
        };
        foreach (var (name, solution) in forged)
        {
            hasher().Reset();
            var form = challenged.Form("Sign in").Fill("Email or username", user.Username).Fill("Password", user.Password);
            form.Set(Challenges.SolutionField, solution(challenge));
            var page = await form.SubmitAndLoadAsync();
            Assert.True(page.Status == HttpStatusCode.Unauthorized, $"{name}: {(int)page.Status}");
            Assert.Equal(ChallengeText, page.AlertTextWithoutReference);
            Assert.Equal(0, hasher().Verifications);
            Assert.Null(browser.Cookie(Browser.SessionCookie));
        }
        Assert.Equal(5, await FailuresAsync(app, key));

        // A correct answer with a wrong password is counted; replaying that answer is refused.
        var solved = Challenges.Solve(challenge);
        var wrong = await challenged.Form("Sign in").Fill("Email or username", user.Username).Fill("Password", "still wrong")
            .Set(Challenges.SolutionField, solved).SubmitAndLoadAsync();
        Assert.Contains("not right", wrong.AlertText);
        Assert.Equal(6, await FailuresAsync(app, key));
        var replay = await challenged.Form("Sign in").Fill("Email or username", user.Username).Fill("Password", user.Password)
            .Set(Challenges.SolutionField, solved).SubmitAndLoadAsync();
        Assert.Equal(ChallengeText, replay.AlertTextWithoutReference);
        Assert.Null(browser.Cookie(Browser.SessionCookie));
        Assert.Equal(6, await FailuresAsync(app, key));

        // Forged device cookies (garbage, oversized, another account's real cookie) are no device at all.
        var (other, _) = await app.SignedInAsync();
        var othersCookie = other.Cookie(DeviceCookie)!;
        foreach (var cookie in new[] { "forged", new string('x', 3000), othersCookie })
        {
            using var forger = new Browser(app);
            forger.Cookies.Add(forger.BaseAddress, new Cookie(DeviceCookie, cookie));
            var page = await Page.LoadAsync(forger, await forger.SignInAsync(user.Username, user.Password));
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
            Assert.Equal(ChallengeText, page.AlertTextWithoutReference);
        }
        Assert.Equal(6, await FailuresAsync(app, key));
    }

    [Fact]
    public async Task Without_JavaScript_the_challenge_is_passed_by_waiting()
    {
        var (app, clock, _) = Create();
        await using var _ = app;
        var user = await app.RegisteredUserAsync();
        for (var i = 1; i <= 5; i++)
        {
            using var attacker = new Browser(app);
            await attacker.SignInAsync(user.Username, "wrong " + i);
        }
        using var person = new Browser(app);
        var challenged = await Page.LoadAsync(person, await person.SignInAsync(user.Username, user.Password));
        Assert.Equal(ChallengeText, challenged.AlertTextWithoutReference);
        Assert.Contains("wait 15 seconds", challenged.MainText);

        // Pressing "Sign in" at once (no answer) is still the check; after the wait it goes through.
        var early = await challenged.Form("Sign in").Fill("Email or username", user.Username).Fill("Password", user.Password).SubmitAndLoadAsync();
        Assert.Equal(ChallengeText, early.AlertTextWithoutReference);
        clock.Advance(TimeSpan.FromSeconds(15));
        (await early.Form("Sign in").Fill("Email or username", user.Username).Fill("Password", user.Password).SubmitAsync())
            .AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_device_cookie_that_fails_many_times_is_no_longer_trusted()
    {
        var (app, _, _) = Create();
        await using var _ = app;
        var (browser, user) = await app.SignedInAsync();
        (await browser.SignOutAsync()).EnsureSuccessOrRedirect();
        for (var i = 1; i <= 10; i++)
        {
            // A known device is never challenged, however often it fails.
            var page = await Page.LoadAsync(browser, await browser.SignInAsync(user.Username, "wrong " + i));
            Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
            Assert.Null(Challenges.ChallengeOf(page));
        }
        // Now it is treated as unknown: the account's 10 failures pause it.
        var refused = await Page.LoadAsync(browser, await browser.SignInAsync(user.Username, user.Password));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Null(browser.Cookie(Browser.SessionCookie));
    }

    [Fact]
    public async Task Many_failures_across_identifiers_from_one_network_bring_a_challenge_then_429_with_Retry_After()
    {
        var (app, _, _) = Create(new() { ["Throttle:NetworkChallengeAfter"] = "3", ["Throttle:NetworkPauseAfter"] = "6" });
        await using var _ = app;
        var user = await app.RegisteredUserAsync();
        var prefix = ClientAddress.NextIPv6Prefix();
        for (var i = 1; i <= 3; i++)
        {
            // Every attempt from another address of the same /64, each for another identifier.
            using var attacker = new Browser(app).From($"{prefix}:{i:x}");
            Assert.Equal(HttpStatusCode.Unauthorized, (await attacker.SignInAsync(TestUser.UniqueEmail(), "guess")).StatusCode);
        }
        using (var fourth = new Browser(app).From($"{prefix}a:b:c:d"))
        {
            var page = await Page.LoadAsync(fourth, await fourth.SignInAsync(TestUser.UniqueEmail(), "guess"));
            Assert.Equal(ChallengeText, page.AlertTextWithoutReference);
        }
        for (var i = 4; i <= 6; i++)
        {
            using var attacker = new Browser(app).From($"{prefix}:{i:x}");
            Assert.Contains("not right", (await AttemptAsync(attacker, TestUser.UniqueEmail(), "guess")).AlertText);
        }
        using (var blocked = new Browser(app).From($"{prefix}:ffff"))
        {
            var page = await AttemptAsync(blocked, user.Username, user.Password);
            Assert.Equal(HttpStatusCode.TooManyRequests, page.Status);
            Assert.Equal("60", page.Response.Headers.RetryAfter?.ToString());
            Assert.Matches(Page.ReferencePattern(), page.AlertText);
        }
        // The next /64 is another network.
        using var neighbour = new Browser(app).From(ClientAddress.NextIPv6Prefix() + ":1");
        (await neighbour.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task X_Forwarded_For_is_ignored_unless_the_request_came_through_a_trusted_proxy()
    {
        foreach (var (trusted, expected) in new[] { ((string?)null, "203.0.113.9"), ("203.0.113.0/24", "198.51.100.1") })
        {
            var settings = new Dictionary<string, string?>();
            if (trusted is not null) settings["Network:TrustedProxies:0"] = trusted;
            var (app, _, _) = Create(settings);
            await using var _ = app;
            using var browser = new Browser(app).From("203.0.113.9");
            browser.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.1");
            var page = await Page.LoadAsync(browser, await browser.SignInAsync(TestUser.UniqueEmail(), "guess"));
            Assert.Equal(expected, (await app.EventAsync(page.Reference!))!.IpAddress);
        }
    }

    [Fact]
    public async Task Rotating_a_spoofed_X_Forwarded_For_does_not_escape_the_network_count()
    {
        var (app, _, _) = Create(new() { ["Throttle:NetworkChallengeAfter"] = "3" });
        await using var _ = app;
        for (var i = 1; i <= 3; i++)
        {
            using var attacker = new Browser(app).From("203.0.113.50");
            attacker.Http.DefaultRequestHeaders.Add("X-Forwarded-For", $"198.51.100.{i}");
            await attacker.SignInAsync(TestUser.UniqueEmail(), "guess");
        }
        using var fourth = new Browser(app).From("203.0.113.50");
        fourth.Http.DefaultRequestHeaders.Add("X-Forwarded-For", "198.51.100.99");
        var page = await Page.LoadAsync(fourth, await fourth.SignInAsync(TestUser.UniqueEmail(), "guess"));
        Assert.Equal(ChallengeText, page.AlertTextWithoutReference);
    }

    [Fact]
    public async Task When_every_password_check_for_unknown_devices_is_busy_they_get_the_challenge_and_known_devices_go_ahead()
    {
        var (app, _, hasher) = Create(new() { ["Throttle:UnknownDeviceConcurrency"] = "1", ["Throttle:BudgetQueueWait"] = "00:00:00" });
        await using var _ = app;
        var (known, owner) = await app.SignedInAsync();
        (await known.SignOutAsync()).EnsureSuccessOrRedirect();
        var budget = app.Services.GetRequiredService<VerificationBudget>();

        using (var held = await budget.TryEnterAsync(TimeSpan.Zero, Ct))
        {
            Assert.NotNull(held);
            using var fresh = new Browser(app);
            hasher().Reset();
            var page = await Page.LoadAsync(fresh, await fresh.SignInAsync(owner.Username, owner.Password));
            Assert.Equal(ChallengeText, page.AlertTextWithoutReference);
            Assert.Equal(0, hasher().Verifications);
            Assert.Null(fresh.Cookie(Browser.SessionCookie));
            Assert.NotNull(page.Reference);

            (await known.SignInAsync(owner.Username, owner.Password)).AssertRedirectsTo("/account");
        }
        using var later = new Browser(app);
        (await later.SignInAsync(owner.Username, owner.Password)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_flood_of_sign_in_posts_from_one_network_gets_429_before_any_page_work_while_a_known_device_there_goes_on()
    {
        var (app, _, hasher) = Create(new() { ["RateLimits:SignInsPerMinute"] = "3" });
        await using var _ = app;
        var address = ClientAddress.NextIPv4();
        using var owner = new Browser(app).From(address);
        var user = await app.RegisteredUserAsync();
        (await owner.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        (await owner.SignOutAsync()).EnsureSuccessOrRedirect();
        // The owner's first sign-in (no device cookie yet) was one of the network's three.
        for (var i = 0; i < 2; i++)
        {
            using var bot = new Browser(app).From(address);
            Assert.Equal(HttpStatusCode.Unauthorized, (await bot.SignInAsync(TestUser.UniqueEmail(), "guess")).StatusCode);
        }
        using var flood = new Browser(app).From(address);
        hasher().Reset();
        var refused = await flood.SignInAsync(TestUser.UniqueEmail(), "guess");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.NotNull((await Page.LoadAsync(flood, refused)).Reference);
        Assert.Equal(0, hasher().Verifications);
        // The owner's browser on the same network is counted by its device cookie, not by the network.
        (await owner.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task Registrations_from_one_network_are_rate_limited()
    {
        var (app, _, _) = Create(new() { ["RateLimits:RegistrationsPerHour"] = "2" });
        await using var _ = app;
        var address = ClientAddress.NextIPv4();
        for (var i = 0; i < 2; i++)
        {
            using var browser = new Browser(app).From(address);
            (await browser.RegisterAsync(TestUser.New())).AssertRedirectsTo("/register/check-email");
        }
        using var third = new Browser(app).From(address);
        var response = await third.RegisterAsync(TestUser.New());
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.NotNull((await Page.LoadAsync(third, response)).Reference);
        using var elsewhere = new Browser(app);
        (await elsewhere.RegisterAsync(TestUser.New())).AssertRedirectsTo("/register/check-email");
    }
}

internal static class ResponseExtensions
{
    public static void EnsureSuccessOrRedirect(this HttpResponseMessage response) =>
        Assert.True((int)response.StatusCode is >= 200 and < 400, $"Got {(int)response.StatusCode}");
}
