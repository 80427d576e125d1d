using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using static Threshold.Web.Tests.Infrastructure.RecoveryPages;

namespace Threshold.Web.Tests;

/// <summary>
/// "Forgot password?" by a code sent by text message: bound to the browser that asked, 10 minutes,
/// 5 wrong tries; an unknown number gets a decoy that behaves the same; an account with both an
/// email address and a phone lets the person choose, seeing both masked.
/// </summary>
public sealed class PasswordResetSmsTests
{
    private const string Phone = "+442079460123";
    private const string PhoneAsTyped = "+44 20 7946 0123";
    private const string UnknownPhoneAsTyped = "+44 20 7946 0999";

    private static string Fresh(string label) => $"{label} silver orchard {Guid.NewGuid().ToString("N")[..6]}";

    private static async Task<TestUser> UserWithPhoneAsync(ThresholdFactory app, string emailPrefix = "person")
    {
        var user = await app.RegisterAsync(NewUser(emailPrefix));
        await app.SetConfirmedPhoneAsync(user.Email, Phone);
        return user;
    }

    private static int SmsCount(IEnumerable<OutboxMessage> outbox) => outbox.Count(m => m.Channel == MessageChannel.Sms);

    [Fact]
    public async Task A_code_by_text_message_resets_the_password_in_the_browser_that_asked_and_only_there()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await UserWithPhoneAsync(app);
        using var other = app.NewBrowser();
        (await other.SignInAsync(user.Email, user.Password)).AssertRedirectsTo("/account");

        using var browser = app.NewBrowser();
        var asked = await browser.RequestResetAsync(PhoneAsTyped);
        asked.AssertRedirectsTo("/recover/password/code");
        var binding = asked.SetCookie(BindingCookie);
        Assert.NotNull(binding);
        Assert.True(binding.HttpOnly);
        Assert.Equal("/recover", binding.Path.ToString());
        Assert.Equal(binding.Value.ToString(), BindingCookieOf(browser));

        var sms = await app.NewestResetMessageToAsync(Phone);
        Assert.Equal(MessageChannel.Sms, sms.Channel);
        Assert.Equal("password-reset", sms.Template);
        var code = CodeIn(sms.TextBody);
        Assert.Matches("^[0-9]{6}$", code);
        Assert.DoesNotContain(await app.MessagesToAsync(user.Email), m => m.Template == "password-reset");
        // The code is stored only as a (salted) hash.
        var ticket = await app.QueryAsync(db => db.ResetTickets.AsNoTracking().SingleAsync(t => t.Destination == Phone, Ct));
        Assert.Equal(64, ticket.SecretHash.Length);
        Assert.DoesNotContain(code, ticket.SecretHash);

        var codePage = await browser.GetAsync("/recover/password/code");
        Assert.Equal(HttpStatusCode.OK, codePage.Status);
        Assert.Contains("10 minutes", codePage.MainText);

        // The same code in a browser that did not ask for it (no binding cookie): refused, nothing used.
        using var elsewhere = app.NewBrowser();
        var refused = await elsewhere.EnterCodeAsync(code, Fresh("Elsewhere"));
        Assert.Equal(HttpStatusCode.Gone, refused.Status);
        Assert.Contains("this browser", refused.AlertText);
        Assert.NotNull(refused.Reference);
        // Nor in a browser that asked for its own code (for another number): the binding decides.
        using var attacker = app.NewBrowser();
        (await attacker.RequestResetAsync(UnknownPhoneAsTyped)).AssertRedirectsTo("/recover/password/code");
        var theirs = await attacker.EnterCodeAsync(code, Fresh("Attacker"));
        Assert.Equal(HttpStatusCode.BadRequest, theirs.Status);
        Assert.True(await app.SignsInAsync(user.Username, user.Password));

        var next = Fresh("Texted");
        var done = await browser.EnterCodeAsync(code, next);
        Assert.Equal(HttpStatusCode.Found, done.Status);
        done.Response.AssertRedirectsTo("/signin?reset=done");
        Assert.Null(BindingCookieOf(browser));

        Assert.True(await app.SignsInAsync(user.Username, next));
        Assert.False(await app.SignsInAsync(user.Username, user.Password));
        var stale = await other.Http.GetAsync("/account", Ct);
        Assert.Equal(HttpStatusCode.Found, stale.StatusCode);
        Assert.StartsWith("/signin", stale.RedirectTarget());

        // Told on every confirmed contact; a code does not confirm the email address.
        Assert.Single(await app.MessagesToAsync(user.Email), m => m.Template == "password-changed");
        Assert.Single(await app.MessagesToAsync(Phone), m => m.Template == "password-changed" && m.Channel == MessageChannel.Sms);
        Assert.False((await app.AccountAsync(user.Email))!.EmailConfirmed);
        var accountId = (await app.AccountAsync(user.Email))!.Id;
        var reset = await app.QueryAsync(db => db.SecurityEvents.AsNoTracking().SingleAsync(e => e.AccountId == accountId && e.Kind == SecurityEventKind.PasswordReset, Ct));
        Assert.Equal("sms", reset.Reason);

        // The code is spent.
        var again = await browser.EnterCodeAsync(code, Fresh("Again"));
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.True(await app.SignsInAsync(user.Username, next));
    }

    [Fact]
    public async Task Five_wrong_codes_use_up_the_code_then_even_the_right_one_is_refused()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await UserWithPhoneAsync(app);
        using var browser = app.NewBrowser();
        (await browser.RequestResetAsync(PhoneAsTyped)).AssertRedirectsTo("/recover/password/code");
        var code = await app.ResetCodeAsync(Phone);
        var wrong = WrongCodes(code).ToList();

        for (var i = 0; i < 4; i++)
        {
            var page = await browser.EnterCodeAsync(wrong[i], Fresh("Guess"));
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Contains($"You have {4 - i} more tries", page.AlertText);
            Assert.Equal("That code is not right. Check the text message and type it again.", page.FieldErrorFor(CodeLabel));
        }
        var fifth = await browser.EnterCodeAsync(wrong[4], Fresh("Guess"));
        Assert.Equal(HttpStatusCode.Gone, fifth.Status);
        Assert.Contains("too many", fifth.AlertText);
        Assert.Equal("Get a new code", fifth.Link("Get a new code")?.TextContent.Trim());

        var right = await browser.EnterCodeAsync(code, Fresh("Right"));
        Assert.Equal(HttpStatusCode.Gone, right.Status);
        Assert.Contains("too many", right.AlertText);
        Assert.True(await app.SignsInAsync(user.Username, user.Password));
    }

    [Fact]
    public async Task A_missing_code_is_asked_for_without_using_a_try()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        await UserWithPhoneAsync(app);
        using var browser = app.NewBrowser();
        (await browser.RequestResetAsync(PhoneAsTyped)).AssertRedirectsTo("/recover/password/code");

        var page = await browser.EnterCodeAsync(null, Fresh("No code"));
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Equal("Enter the code from the text message.", page.FieldErrorFor(CodeLabel));
        Assert.Equal(0, await app.QueryAsync(db => db.ResetTickets.SumAsync(t => t.FailedAttempts, Ct)));
    }

    [Fact]
    public async Task Wrong_codes_sent_at_once_still_get_no_more_than_five_tries()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await UserWithPhoneAsync(app);
        using var browser = app.NewBrowser();
        (await browser.RequestResetAsync(PhoneAsTyped)).AssertRedirectsTo("/recover/password/code");
        var code = await app.ResetCodeAsync(Phone);
        var form = (await browser.GetAsync("/recover/password/code")).Form(SetPasswordButton);
        var antiforgery = form.Fields.Single(f => f.Key == "__RequestVerificationToken").Value;

        // An attacker holding the browser's cookie fires 30 guesses in parallel.
        var guesses = WrongCodes(code).Take(30).Select(guess => browser.PostFormAsync("/recover/password/code",
        [
            new("__RequestVerificationToken", antiforgery), new("Input.Code", guess), new("Input.NewPassword", Fresh("Parallel")),
        ]));
        var responses = await Task.WhenAll(guesses);

        // Every wrong guess that was compared with the code added one to the count, so the count is the number of guesses made.
        var attempts = await app.QueryAsync(db => db.ResetTickets.Select(t => t.FailedAttempts).SingleAsync(Ct));
        Assert.True(attempts <= 5,
            $"{attempts} guesses were compared with the code ({responses.Count(r => r.StatusCode == HttpStatusCode.BadRequest)} answered " +
            "\"not right, n more tries\"); at most 5 may be. The check of FailedAttempts and the increment are not atomic.");
        Assert.All(responses, r => Assert.True(r.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Gone, $"answered {(int)r.StatusCode}"));
        Assert.True(await app.SignsInAsync(user.Username, user.Password));
    }

    [Fact]
    public async Task A_code_expires_after_10_minutes()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await UserWithPhoneAsync(app);
        using var browser = app.NewBrowser();
        (await browser.RequestResetAsync(PhoneAsTyped)).AssertRedirectsTo("/recover/password/code");
        var first = await app.ResetCodeAsync(Phone);

        clock.Advance(TimeSpan.FromMinutes(10));
        var expired = await browser.EnterCodeAsync(first, Fresh("Late"));
        Assert.Equal(HttpStatusCode.Gone, expired.Status);
        Assert.Contains("expired", expired.AlertText);
        Assert.True(await app.SignsInAsync(user.Username, user.Password));

        (await browser.RequestResetAsync(PhoneAsTyped)).AssertRedirectsTo("/recover/password/code");
        var second = await app.ResetCodeAsync(Phone);
        clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));
        var next = Fresh("Just in time");
        var done = await browser.EnterCodeAsync(second, next);
        done.Response.AssertRedirectsTo("/signin?reset=done");
        Assert.True(await app.SignsInAsync(user.Username, next));
    }

    [Fact]
    public async Task An_unknown_number_gets_the_same_redirect_page_and_wrong_code_answers_and_no_text_message()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        await UserWithPhoneAsync(app);
        using var known = app.NewBrowser();
        using var unknown = app.NewBrowser();

        var unknownAsked = await unknown.RequestResetAsync(UnknownPhoneAsTyped);
        Assert.Equal(0, SmsCount(await app.OutboxAsync()));
        var knownAsked = await known.RequestResetAsync(PhoneAsTyped);
        Assert.Equal(1, SmsCount(await app.OutboxAsync()));
        Assert.Equal(knownAsked.StatusCode, unknownAsked.StatusCode);
        Assert.Equal(knownAsked.RedirectTarget(), unknownAsked.RedirectTarget());
        Assert.NotNull(unknownAsked.SetCookie(BindingCookie));
        Assert.Equal(knownAsked.SetCookies().Select(CookieShape), unknownAsked.SetCookies().Select(CookieShape));

        var knownPage = await known.FollowAsync(knownAsked);
        var unknownPage = await unknown.FollowAsync(unknownAsked);
        Assert.Equal(knownPage.Status, unknownPage.Status);
        Assert.Equal(knownPage.MainText, unknownPage.MainText);

        var code = await app.ResetCodeAsync(Phone);
        foreach (var guess in WrongCodes(code).Take(6))
        {
            var k = await known.EnterCodeAsync(guess, Fresh("Known"));
            var u = await unknown.EnterCodeAsync(guess, Fresh("Unknown"));
            Assert.Equal(k.Status, u.Status);
            Assert.Equal(k.MainTextWithoutReference(), u.MainTextWithoutReference());
        }
        // Both are used up now, and the unknown number never got anything.
        Assert.Equal(HttpStatusCode.Gone, (await unknown.EnterCodeAsync(code, Fresh("Unknown"))).Status);
        Assert.Equal(1, SmsCount(await app.OutboxAsync()));
    }

    private static string CookieShape(string setCookie)
    {
        var parsed = Microsoft.Net.Http.Headers.SetCookieHeaderValue.Parse(setCookie);
        return $"{parsed.Name} len={parsed.Value.Length} path={parsed.Path} httponly={parsed.HttpOnly} samesite={parsed.SameSite} maxage={parsed.MaxAge}";
    }

    [Fact]
    public async Task With_both_an_email_and_a_phone_the_person_chooses_seeing_both_masked()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var user = await UserWithPhoneAsync(app, "jane");
        using var browser = app.NewBrowser();

        var choice = await browser.RequestResetAndLoadAsync(user.Username);
        Assert.Equal(HttpStatusCode.OK, choice.Status);
        Assert.Equal("Where should we send it?", choice.Heading);
        Assert.True(choice.HasControl("Email to j•••@example.com (a link)"), choice.MainText);
        Assert.True(choice.HasControl("Text message to +44 •••• ••• 123 (a code)"), choice.MainText);
        Assert.DoesNotContain(user.Email, choice.Html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("2079460123", choice.Html);
        Assert.DoesNotContain("7946", choice.Html);
        Assert.Equal(0, await app.TicketCountAsync());   // choosing is not yet asking
        Assert.DoesNotContain(await app.OutboxAsync(), m => m.Template == "password-reset");

        var form = choice.Form("Send");
        var byText = await form.Set(form.NameOf("Text message to +44 •••• ••• 123 (a code)"), "Sms").SubmitAsync();
        byText.AssertRedirectsTo("/recover/password/code");
        Assert.NotNull(byText.SetCookie(BindingCookie));
        Assert.Matches("^[0-9]{6}$", await app.ResetCodeAsync(Phone));
        Assert.Empty(await app.ResetMessagesToAsync(user.Email));

        clock.Advance(TimeSpan.FromSeconds(61));
        var again = await browser.RequestResetAndLoadAsync(user.Username);
        var byEmail = await again.Form("Send").SubmitAndLoadAsync();   // email is the default choice
        Assert.Equal(HttpStatusCode.OK, byEmail.Status);
        Assert.Equal("Check your email", byEmail.Heading);
        Assert.StartsWith(PublicOrigin + "/recover/password/reset?token=", await app.ResetLinkAsync(user.Email));
        Assert.Single(await app.ResetMessagesToAsync(Phone));

        // Typing the email address or the number skips the choice.
        clock.Advance(TimeSpan.FromSeconds(61));
        var direct = await browser.RequestResetAndLoadAsync(user.Email);
        Assert.Equal("Check your email", direct.Heading);
        (await browser.RequestResetAsync(PhoneAsTyped)).AssertRedirectsTo("/recover/password/code");
    }

    [Fact]
    public async Task A_number_confirmed_on_two_accounts_cannot_say_which_to_reset_and_is_treated_as_unknown()
    {
        var clock = new FakeTimeProvider(Start);
        await using var app = NewApp(clock);
        var first = await UserWithPhoneAsync(app);
        var second = await UserWithPhoneAsync(app);
        using var browser = app.NewBrowser();

        (await browser.RequestResetAsync(PhoneAsTyped)).AssertRedirectsTo("/recover/password/code");

        Assert.Equal(0, SmsCount(await app.OutboxAsync()));
        Assert.True(await app.SignsInAsync(first.Username, first.Password));
        Assert.True(await app.SignsInAsync(second.Username, second.Password));
    }

    /// <summary>Six-digit codes that are not <paramref name="code"/>.</summary>
    private static IEnumerable<string> WrongCodes(string code) =>
        Enumerable.Range(0, 1_000_000).Select(i => ((int.Parse(code) + 1 + i * 7919) % 1_000_000).ToString("D6")).Where(c => c != code);
}
