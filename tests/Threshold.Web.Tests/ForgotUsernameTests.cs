using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;

namespace Threshold.Web.Tests;

/// <summary>
/// /recover/username: the same answer whether or not an account matches; only a real account's
/// email address or confirmed phone receives the username. Limited per account (3 an hour)
/// and per network (10 POSTs in 15 minutes).
/// </summary>
public sealed class ForgotUsernameTests(ClientAddressFactory app) : IClassFixture<ClientAddressFactory>
{
    private static int _phone = Random.Shared.Next(0, 5000);

    /// <summary>A browser on its own network, so tests never share a rate-limit window.</summary>
    private Browser NewBrowser() => new Browser(app).From(ClientAddress.NextIPv4());

    /// <summary>A UK test number (Ofcom's drama range 020 7946 0xxx) no other test uses: spaced form and E.164.</summary>
    private static (string Spaced, string E164) NewPhone()
    {
        var n = Interlocked.Increment(ref _phone) % 10_000;
        return ($"+44 20 7946 {n:0000}", $"+44207946{n:0000}");
    }

    private Task SetPhoneAsync(TestUser user, string e164, bool confirmed) =>
        app.QueryAsync(async db =>
        {
            var normalized = user.Email.ToUpperInvariant();
            var account = await db.Users.SingleAsync(a => a.NormalizedEmail == normalized, Ct);
            account.PhoneNumber = e164;
            account.PhoneNumberConfirmed = confirmed;
            return await db.SaveChangesAsync(Ct);
        });

    private static void AssertSentPage(Page page)
    {
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Check your messages", page.Heading);
        Assert.Null(page.Alert);
        Assert.False(page.HasControl("Email or phone number"));
    }

    [Fact]
    public async Task The_page_has_the_labelled_field_and_the_sign_in_page_links_to_it()
    {
        using var browser = NewBrowser();
        var page = await browser.GetAsync("/recover/username");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.True(page.HasControl("Email or phone number"));
        Assert.True(page.HasButton("Send my username"));
        Assert.Equal("/recover/username", (await browser.GetAsync("/signin")).Link("Forgot username?")?.GetAttribute("href"));
    }

    [Fact]
    public async Task A_known_and_an_unknown_email_get_identical_pages_and_only_the_known_one_gets_mail()
    {
        var user = await app.RegisteredUserAsync();
        var unknown = TestUser.UniqueEmail();
        var before = await app.OutboxCountAsync();

        using var browser = NewBrowser();
        var known = await browser.ForgotUsernameAsync(user.Email);
        var nobody = await browser.ForgotUsernameAsync(unknown);

        AssertSentPage(known);
        Assert.Equal(known.Status, nobody.Status);
        Assert.Equal(known.Heading, nobody.Heading);
        Assert.Equal(known.MainText, nobody.MainText);
        Assert.DoesNotContain(user.Username, known.Html);
        Assert.DoesNotContain(user.Email, known.Html);

        var reminder = await app.MessageToAsync(user.Email, "username-reminder");
        Assert.Equal(MessageChannel.Email, reminder.Channel);
        Assert.Contains(user.Username, reminder.TextBody);
        Assert.Contains(user.Username, reminder.HtmlBody ?? "");
        Assert.Matches(Page.ReferencePattern(), reminder.TextBody);
        Assert.Empty(await app.MessagesToAsync(unknown));
        Assert.Equal(before + 1, await app.OutboxCountAsync());

        var sent = await app.EventAsync(reminder.ReferenceCode);
        Assert.Equal(SecurityEventKind.UsernameReminderSent, sent?.Kind);
    }

    [Fact]
    public async Task The_email_address_matches_whatever_its_case_and_surrounding_spaces()
    {
        var user = await app.RegisteredUserAsync();
        using var browser = NewBrowser();
        AssertSentPage(await browser.ForgotUsernameAsync("  " + user.Email.ToUpperInvariant() + " "));
        Assert.Contains(user.Username, (await app.MessageToAsync(user.Email, "username-reminder")).TextBody);
    }

    [Fact]
    public async Task A_username_typed_instead_of_an_email_sends_nothing_to_it()
    {
        var user = await app.RegisteredUserAsync();
        using var browser = NewBrowser();
        var page = await browser.ForgotUsernameAsync(user.Username);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.DoesNotContain(await app.MessagesToAsync(user.Email), m => m.Template == "username-reminder");
    }

    [Theory]
    [InlineData("", "Enter the email address or phone number of your account.")]
    [InlineData("   ", "Enter the email address or phone number of your account.")]
    [InlineData("not an email", "Enter an email address in the form name@example.com, or a phone number starting with +.")]
    [InlineData("someone@", "Enter an email address in the form name@example.com, or a phone number starting with +.")]
    [InlineData("020 7946 0123", "Enter the phone number with + and the country code, for example +44 20 7946 0123.")]
    [InlineData("+44 20", "Enter the phone number with + and the country code, for example +44 20 7946 0123.")]
    public async Task Invalid_input_gets_a_field_error_and_400(string contact, string message)
    {
        var before = await app.OutboxCountAsync();
        using var browser = NewBrowser();
        var page = await browser.ForgotUsernameAsync(contact);

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Alert);
        Assert.NotNull(page.Reference);
        Assert.Equal(message, page.FieldError("Email or phone number"));
        Assert.Equal("true", page.Control("Email or phone number").GetAttribute("aria-invalid"));
        Assert.Equal(contact.Trim(), (page.Control("Email or phone number").GetAttribute("value") ?? "").Trim());
        Assert.Equal(before, await app.OutboxCountAsync());
    }

    [Fact]
    public async Task A_confirmed_phone_number_gets_the_username_by_SMS()
    {
        var user = await app.RegisteredUserAsync();
        var (spaced, e164) = NewPhone();
        await SetPhoneAsync(user, e164, confirmed: true);
        var unknownPhone = NewPhone();

        using var browser = NewBrowser();
        var known = await browser.ForgotUsernameAsync(spaced);
        var nobody = await browser.ForgotUsernameAsync(unknownPhone.Spaced);
        var byEmail = await browser.ForgotUsernameAsync(TestUser.UniqueEmail());

        AssertSentPage(known);
        Assert.Equal(known.MainText, nobody.MainText);
        Assert.Equal(known.MainText, byEmail.MainText);

        var outbox = await app.OutboxAsync();
        var sms = Assert.Single(outbox, m => m.To == e164);
        Assert.Equal(MessageChannel.Sms, sms.Channel);
        Assert.Equal("username-reminder", sms.Template);
        Assert.Contains(user.Username, sms.TextBody);
        Assert.Contains(sms.ReferenceCode, sms.TextBody);
        Assert.DoesNotContain("http", sms.TextBody);
        Assert.DoesNotContain(outbox, m => m.To == unknownPhone.E164);
        Assert.DoesNotContain(await app.MessagesToAsync(user.Email), m => m.Template == "username-reminder");
    }

    [Theory]
    [InlineData("0044 20 7946 {0}")]
    [InlineData("+44 (20) 7946-{0}")]
    [InlineData("+4420 7946{0}")]
    public async Task The_phone_number_may_be_typed_in_other_international_forms(string format)
    {
        var user = await app.RegisteredUserAsync();
        var (_, e164) = NewPhone();
        await SetPhoneAsync(user, e164, confirmed: true);
        using var browser = NewBrowser();
        AssertSentPage(await browser.ForgotUsernameAsync(string.Format(format, e164[^4..])));
        Assert.Single(await app.OutboxAsync(), m => m.To == e164 && m.Channel == MessageChannel.Sms);
    }

    [Fact]
    public async Task An_unconfirmed_phone_number_gets_nothing_but_the_same_page()
    {
        var user = await app.RegisteredUserAsync();
        var (spaced, e164) = NewPhone();
        await SetPhoneAsync(user, e164, confirmed: false);
        using var browser = NewBrowser();
        AssertSentPage(await browser.ForgotUsernameAsync(spaced));
        Assert.DoesNotContain(await app.OutboxAsync(), m => m.To == e164);
    }

    [Fact]
    public async Task Per_network_the_eleventh_POST_in_15_minutes_is_refused_with_429_and_a_reference()
    {
        var address = ClientAddress.NextIPv4();
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app).From(address);
        var form = (await browser.GetAsync("/recover/username")).Form("Send my username");

        for (var i = 1; i <= 10; i++)
        {
            var page = await form.Fill("Email or phone number", TestUser.UniqueEmail()).SubmitAndLoadAsync();
            Assert.True(page.Status == HttpStatusCode.OK, $"POST {i} answered {(int)page.Status}");
        }

        var refused = await form.Fill("Email or phone number", user.Email).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.NotNull(refused.Reference);
        Assert.Contains("too many", refused.MainText, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(await app.MessagesToAsync(user.Email), m => m.Template == "username-reminder");

        // Reading the page is not limited; another network is not affected.
        for (var i = 0; i < 3; i++)
            Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/recover/username")).Status);
        using var elsewhere = new Browser(app).From(ClientAddress.NextIPv4());
        AssertSentPage(await elsewhere.ForgotUsernameAsync(user.Email));
        Assert.Single(await app.MessagesToAsync(user.Email), m => m.Template == "username-reminder");
    }

    [Fact]
    public async Task Addresses_in_one_IPv6_64_share_a_limit()
    {
        var prefix = ClientAddress.NextIPv6Prefix();
        using var first = new Browser(app).From(prefix + ":1");
        var form = (await first.GetAsync("/recover/username")).Form("Send my username");
        for (var i = 1; i <= 10; i++)
            Assert.Equal(HttpStatusCode.OK, (await form.Fill("Email or phone number", TestUser.UniqueEmail()).SubmitAsync()).StatusCode);

        using var sameNetwork = new Browser(app).From(prefix + "abcd:ef01:2345:6789");
        var refused = await Page.LoadAsync(sameNetwork, await sameNetwork.PostFormAsync("/recover/username",
            [new("__RequestVerificationToken", await sameNetwork.AntiforgeryTokenAsync("/recover/username")), new("Input.Contact", TestUser.UniqueEmail())]));
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);

        using var nextNetwork = new Browser(app).From(ClientAddress.NextIPv6Prefix() + ":1");
        AssertSentPage(await nextNetwork.ForgotUsernameAsync(TestUser.UniqueEmail()));
    }
}

/// <summary>At most 3 reminders an hour per account, with the same answer after that (time is faked).</summary>
public sealed class ForgotUsernamePerAccountLimitTests
{
    [Fact]
    public async Task The_fourth_request_within_an_hour_sends_nothing_but_answers_the_same_and_an_hour_later_it_sends_again()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 3, 3, 9, 0, 0, TimeSpan.Zero));
        await using var app = new ThresholdFactory { Clock = clock, TestServices = ClientAddress.Install };
        var user = await app.RegisteredUserAsync();
        var other = await app.RegisteredUserAsync();

        async Task<int> RemindersAsync(TestUser u) => (await app.MessagesToAsync(u.Email)).Count(m => m.Template == "username-reminder");
        // Each request from another network, so only the per-account limit can apply.
        async Task<Page> AskAsync(string contact)
        {
            using var browser = new Browser(app).From(ClientAddress.NextIPv4());
            return await browser.ForgotUsernameAsync(contact);
        }

        var first = await AskAsync(user.Email);
        for (var i = 2; i <= 3; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(5));
            await AskAsync(user.Email);
        }
        Assert.Equal(3, await RemindersAsync(user));

        clock.Advance(TimeSpan.FromMinutes(5)); // 15 minutes after the first
        var fourth = await AskAsync(user.Email);
        Assert.Equal(first.Status, fourth.Status);
        Assert.Equal(first.MainText, fourth.MainText);
        Assert.Equal(3, await RemindersAsync(user));
        var unknown = await AskAsync(TestUser.UniqueEmail());
        Assert.Equal(first.MainText, unknown.MainText);

        // Another account is not affected.
        await AskAsync(other.Email);
        Assert.Equal(1, await RemindersAsync(other));

        // Just under an hour after the first: still three in the last hour.
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 3, 9, 59, 0, TimeSpan.Zero));
        await AskAsync(user.Email);
        Assert.Equal(3, await RemindersAsync(user));

        // An hour and a bit after the first, it has left the window.
        clock.SetUtcNow(new DateTimeOffset(2026, 3, 3, 10, 1, 0, TimeSpan.Zero));
        var later = await AskAsync(user.Email);
        Assert.Equal(first.MainText, later.MainText);
        Assert.Equal(4, await RemindersAsync(user));
    }
}
