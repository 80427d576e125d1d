using System.Text;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Support;

namespace Threshold.Web.Tests;

/// <summary>
/// Issue 8, item 2: "Can't sign in?" opens a request for support without signing in. It reaches the
/// agents' queue; it is tied to an account only through a contact the account has proven, and the
/// answer is the same either way; bad input is a field error; one form is one request; a network
/// can open only Support:RequestsPerHour an hour; the sign-in, two-step and error pages link to it.
/// </summary>
public sealed class CantSignInRequestTests(CantSignInRequestTests.App app) : IClassFixture<CantSignInRequestTests.App>
{
    /// <summary>One app for the class, on a fake clock for the authenticator codes.</summary>
    public sealed class App : ThresholdFactory
    {
        public App() => Clock = TwoFactorPages.NewClock();
    }

    private const string Words = "I lost my phone, and my backup codes were on it.";
    private static int _phone = Random.Shared.Next(0, 500);

    /// <summary>A London number no other test of this class uses (020 7946 0xxx is set aside for fiction).</summary>
    private static (string Typed, string E164) NewPhone()
    {
        var n = Interlocked.Increment(ref _phone) % 1000;
        return ($"+44 20 7946 0{n:D3}", $"+442079460{n:D3}");
    }

    private static void AssertNoFault(HttpResponseMessage response, string body)
    {
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        Assert.DoesNotContain("   at ", body);
    }

    [Fact]
    public async Task A_request_is_saved_with_its_number_and_waits_in_the_queue()
    {
        using var browser = new Browser(app);
        var answer = await browser.AskForHelpAsync("Line one\nLine two", "someone@example.org", "k7f3 9qx2");

        Assert.Equal(HttpStatusCode.OK, answer.Status);
        Assert.Equal("Request received", answer.Heading);
        var number = answer.RequestNumber() ?? throw new Xunit.Sdk.XunitException("No request number on the answer page: " + answer.MainText);
        Assert.Equal(number, answer.Document.QuerySelector("[data-copy-code]")?.GetAttribute("data-copy-code"));
        Assert.Contains("never ask for your password", answer.MainText);
        Assert.Contains("email address or phone number that is already on your account", answer.MainText);
        Assert.Contains("Keep your request number", answer.MainText);

        var request = await app.SupportRequestAsync(number) ?? throw new Xunit.Sdk.XunitException("Request not saved");
        Assert.Equal(SupportRequestKind.CantSignIn, request.Kind);
        Assert.Equal(SupportRequestStatus.Open, request.Status);
        Assert.Equal("Line one\nLine two", request.Description);
        Assert.Equal("someone@example.org", request.Contact);
        Assert.Equal("K7F3-9QX2", request.EventReference);
        Assert.Null(request.AccountId);

        await using var scope = app.Services.CreateAsyncScope();
        var queue = await scope.ServiceProvider.GetRequiredService<ISupportRequestStore>().ListAsync(SupportRequestStatus.Open, 0, 1000, Ct);
        Assert.Contains(queue, r => r.Number == number);
        var opened = await app.QueryAsync(db => db.SecurityEvents.AsNoTracking()
            .SingleAsync(e => e.Kind == SecurityEventKind.SupportRequestOpened && e.Identifier == number, Ct));
        Assert.Null(opened.AccountId);
    }

    /// <summary>The answer page without its request number, for comparing two answers.</summary>
    private static string Answer(Page page) => page.MainText.Replace(page.RequestNumber()!, "");

    private async Task<(Page Page, SupportRequest Request)> AskAsync(string contact)
    {
        using var browser = new Browser(app);
        var page = await browser.AskForHelpAsync(Words, contact);
        return (page, (await app.SupportRequestAsync(page.RequestNumber()!))!);
    }

    [Fact]
    public async Task A_verified_email_links_the_account_and_the_answer_is_the_same_as_for_a_stranger()
    {
        var (_, user) = await app.VerifiedUserAsync();
        var account = (await app.AccountAsync(user.Email))!;

        var matched = await AskAsync(user.Email.ToUpperInvariant());
        var stranger = await AskAsync("nobody-" + Guid.NewGuid().ToString("N")[..8] + "@example.org");

        Assert.Equal(account.Id, matched.Request.AccountId);
        Assert.Null(stranger.Request.AccountId);
        Assert.Equal(matched.Page.Status, stranger.Page.Status);
        Assert.Equal(Answer(matched.Page), Answer(stranger.Page));
        var opened = await app.QueryAsync(db => db.SecurityEvents.AsNoTracking()
            .SingleAsync(e => e.Kind == SecurityEventKind.SupportRequestOpened && e.Identifier == matched.Request.Number, Ct));
        Assert.Equal(account.Id, opened.AccountId);
    }

    [Fact]
    public async Task An_address_not_verified_yet_links_nothing()
    {
        var user = await app.RegisteredUserAsync();
        Assert.Null((await AskAsync(user.Email)).Request.AccountId);
    }

    [Fact]
    public async Task A_verified_recovery_email_links_its_account()
    {
        var (browser, user) = await app.VerifiedUserAsync();
        var backup = "backup-" + Guid.NewGuid().ToString("N")[..8] + "@example.net";
        (await browser.AddRecoveryEmailAsync(app, backup)).AssertRedirectsTo("/account/security?done=recovery-email-saved");

        var matched = await AskAsync(backup);
        var stranger = await AskAsync("other-" + backup);

        Assert.Equal((await app.AccountAsync(user.Email))!.Id, matched.Request.AccountId);
        Assert.Null(stranger.Request.AccountId);
        Assert.Equal(Answer(matched.Page), Answer(stranger.Page));
    }

    [Fact]
    public async Task A_confirmed_phone_links_its_account_however_it_is_typed()
    {
        var (browser, user) = await app.VerifiedUserAsync();
        var (typed, e164) = NewPhone();
        (await browser.AddRecoveryPhoneAsync(app, typed, e164)).AssertRedirectsTo("/account/security?done=recovery-phone-saved");
        var (unknown, _) = NewPhone();

        var matched = await AskAsync("00" + e164[1..]);
        var stranger = await AskAsync(unknown);

        Assert.Equal((await app.AccountAsync(user.Email))!.Id, matched.Request.AccountId);
        Assert.Equal("00" + e164[1..], matched.Request.Contact);
        Assert.Null(stranger.Request.AccountId);
        Assert.Equal(matched.Page.Status, stranger.Page.Status);
        Assert.Equal(Answer(matched.Page), Answer(stranger.Page));
    }

    [Fact]
    public async Task Someone_elses_reference_code_links_nothing_but_is_kept_for_the_agent()
    {
        var user = await app.RegisteredUserAsync();
        using var victim = new Browser(app);
        var failed = await (await victim.SignInFormAsync(user.Username, "not the password at all")).SubmitAndLoadAsync();
        var reference = failed.Reference!;
        Assert.NotNull((await app.EventAsync(reference))?.AccountId);

        using var stranger = new Browser(app);
        var page = await stranger.AskForHelpAsync(Words, "stranger@example.org", reference);
        var saved = (await app.SupportRequestAsync(page.RequestNumber()!))!;
        Assert.Null(saved.AccountId);
        Assert.Equal(reference, saved.EventReference);
    }

    public static TheoryData<string, string?, string?, string?, string> FieldProblems() => new()
    {
        { "empty description", "", "a@example.com", null, DescriptionLabel },
        { "10 KB description", new string('x', 10 * 1024), "a@example.com", null, DescriptionLabel },
        { "missing contact", Words, "", null, ContactLabel },
        { "neither email nor phone", Words, "call me maybe", null, ContactLabel },
        { "phone without country code", Words, "020 7946 0123", null, ContactLabel },
        { "malformed reference", Words, "a@example.com", "K7F3-9QX", ReferenceLabel },
    };

    private const string DescriptionLabel = SupportPages.DescriptionLabel;
    private const string ContactLabel = SupportPages.ContactLabel;
    private const string ReferenceLabel = SupportPages.ReferenceLabel;

    [Theory, MemberData(nameof(FieldProblems))]
    public async Task Bad_input_is_a_field_error_with_a_reference_and_saves_nothing(string _, string? description, string? contact, string? reference,
        string label)
    {
        var before = await app.SupportRequestCountAsync();
        using var browser = new Browser(app);
        var page = await (await browser.CantSignInFormAsync(description, contact, reference)).SubmitAndLoadAsync();

        AssertNoFault(page.Response, page.Html);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Equal("Can't sign in?", page.Heading);
        Assert.NotNull(page.Alert);
        Assert.NotNull(page.Reference);
        var error = page.FieldError(label);
        Page.AssertIsSentence(error);
        Assert.Contains(error!, page.AlertText);
        Assert.Equal("true", page.Control(label).GetAttribute("aria-invalid"));
        if (reference is not null) Assert.Contains("K7F3-9QX2", error);
        // What was typed is still there to correct.
        if (description is { Length: > 0 }) Assert.Equal(description, page.Control(DescriptionLabel).TextContent);
        Assert.Equal(before, await app.SupportRequestCountAsync());
    }

    [Theory]
    [InlineData("Input.Description", DescriptionLabel)]
    [InlineData("Input.Contact", ContactLabel)]
    public async Task Invalid_UTF8_in_a_field_is_a_field_error_and_saves_nothing(string field, string label)
    {
        var before = await app.SupportRequestCountAsync();
        using var browser = new Browser(app);
        var form = await browser.CantSignInFormAsync(Words, "someone@example.org");

        var body = new MemoryStream();
        foreach (var (name, value) in form.Fields)
        {
            if (body.Length > 0) body.WriteByte((byte)'&');
            body.Write(Encoding.ASCII.GetBytes(Uri.EscapeDataString(name) + "="));
            var encoded = Encoding.ASCII.GetBytes(Uri.EscapeDataString(value));
            if (name != field) { body.Write(encoded); continue; }
            body.Write(encoded.AsSpan(0, 3));
            body.Write([0xC3, 0x28, 0xFF, 0xFE, 0x80]);
            body.Write(encoded.AsSpan(3));
        }
        var response = await browser.PostBytesAsync(form.Action.ToString(), body.ToArray());
        var page = await Page.LoadAsync(browser, response);

        AssertNoFault(response, page.Html);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        Page.AssertIsSentence(page.FieldError(label));
        Assert.Equal(before, await app.SupportRequestCountAsync());
    }

    [Fact]
    public async Task The_same_form_sent_twice_is_one_request_and_a_reload_sends_nothing()
    {
        using var browser = new Browser(app);
        var contact = "twice-" + Guid.NewGuid().ToString("N")[..8] + "@example.org";
        var form = await browser.CantSignInFormAsync(Words, contact);
        var before = await app.SupportRequestCountAsync();

        var first = await form.SubmitAsync();
        var second = await form.SubmitAsync();
        first.AssertRedirectsTo(SupportPages.CantSignInPath);
        second.AssertRedirectsTo(SupportPages.CantSignInPath);
        Assert.Equal(before + 1, await app.SupportRequestCountAsync());

        var answer = await browser.GetAsync(SupportPages.CantSignInPath);
        var number = answer.RequestNumber();
        Assert.NotNull(number);
        Assert.Equal(contact, (await app.SupportRequestAsync(number!))!.Contact);

        // Reloading the answer asks for nothing again and shows the form, not the number.
        var reloaded = await browser.GetAsync(SupportPages.CantSignInPath);
        Assert.Equal("Can't sign in?", reloaded.Heading);
        Assert.Null(reloaded.RequestNumber());
        Assert.Equal(before + 1, await app.SupportRequestCountAsync());
    }

    [Fact]
    public async Task The_answer_is_for_the_browser_that_asked_and_is_not_in_the_address()
    {
        using var asker = new Browser(app);
        var sent = await (await asker.CantSignInFormAsync(Words, "someone@example.org")).SubmitAsync();
        Assert.Equal(SupportPages.CantSignInPath, sent.RedirectTarget());
        Assert.NotNull(sent.SetCookie("Threshold.TempData")); // the number, data-protected

        using var other = new Browser(app);
        var page = await other.GetAsync(SupportPages.CantSignInPath);
        Assert.Equal("Can't sign in?", page.Heading);
        Assert.Null(page.RequestNumber());
        Assert.NotNull((await asker.FollowAsync(sent)).RequestNumber());
    }

    [Fact]
    public async Task The_form_has_labelled_fields_and_the_way_back_in()
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync(SupportPages.CantSignInPath);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("textarea", page.Control(DescriptionLabel).LocalName);
        Assert.NotEqual("email", page.Control(ContactLabel).GetAttribute("autocomplete"));
        Assert.Equal("off", page.Control(ReferenceLabel).GetAttribute("autocomplete"));
        Assert.True(page.HasButton(SupportPages.SendRequestButton));
        Assert.Equal("/recover/password", page.Link("Forgot password?").Href());
        Assert.Equal("/recover/username", page.Link("Forgot username?").Href());
        Assert.Contains("They will never ask for your password.", page.MainText);
    }

    [Fact]
    public async Task A_reference_in_the_address_is_filled_in_and_anything_else_is_ignored()
    {
        using var browser = new Browser(app);
        Assert.Equal("K7F3-9QX2", (await browser.GetAsync(SupportPages.CantSignInPath + "?reference=k7f39qx2")).Control(ReferenceLabel).GetAttribute("value"));
        var junk = await browser.GetAsync(SupportPages.CantSignInPath + "?reference=" + Uri.EscapeDataString("<b>" + new string('x', 5000)));
        Assert.Equal(HttpStatusCode.OK, junk.Status);
        Assert.True(string.IsNullOrEmpty(junk.Control(ReferenceLabel).GetAttribute("value")));
    }

    [Fact]
    public async Task A_network_can_send_RequestsPerHour_requests_and_then_gets_429()
    {
        await using var limited = new ThresholdFactory { Settings = new Dictionary<string, string?> { ["Support:RequestsPerHour"] = "2" } };
        using var browser = new Browser(limited).From(ClientAddress.NextIPv4());
        for (var i = 0; i < 2; i++)
            Assert.NotNull((await browser.AskForHelpAsync(Words, "someone@example.org")).RequestNumber());

        var refused = await (await browser.CantSignInFormAsync(Words, "someone@example.org")).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.Status);
        Assert.Equal("Too many attempts", refused.Heading);
        Assert.NotNull(refused.Reference);
        Assert.Equal(2, await limited.SupportRequestCountAsync());

        // Reading the form is not limited, and another network still gets through.
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync(SupportPages.CantSignInPath)).Status);
        using var elsewhere = new Browser(limited).From(ClientAddress.NextIPv4());
        Assert.NotNull((await elsewhere.AskForHelpAsync(Words, "someone@example.org")).RequestNumber());
    }

    [Fact]
    public async Task The_sign_in_page_links_here_and_after_a_failure_with_its_reference()
    {
        using var browser = new Browser(app);
        var signIn = await browser.GetAsync("/signin");
        Assert.Equal(SupportPages.CantSignInPath, signIn.Link(SupportPages.HelpLink).Href());

        var user = await app.RegisteredUserAsync();
        var failed = await (await browser.SignInFormAsync(user.Username, "not the password at all")).SubmitAndLoadAsync();
        Assert.NotNull(failed.Reference);
        var link = failed.Link(SupportPages.HelpLink).Href();
        Assert.Equal(SupportPages.CantSignInPath + "?reference=" + failed.Reference, link);
        Assert.Equal(failed.Reference, (await browser.GetAsync(link)).Control(ReferenceLabel).GetAttribute("value"));
    }

    [Fact]
    public async Task The_two_step_page_links_here()
    {
        var clock = (FakeTimeProvider)app.Clock!;
        var (browser, user, _) = await app.UserWithTotpAsync(clock);
        await browser.SignOutAsync();
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(TwoFactorPages.SecondStepToAccount);

        var step = await browser.SecondStepAsync();
        Assert.Equal(HttpStatusCode.OK, step.Status);
        Assert.Equal(SupportPages.CantSignInPath, step.Link(SupportPages.HelpLink).Href());
    }

    [Fact]
    public async Task Every_error_page_links_here_with_its_reference()
    {
        using var browser = new Browser(app);
        var missing = await browser.GetAsync("/no-such-page");
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.NotNull(missing.Reference);
        var link = missing.Link(SupportPages.HelpLink).Href();
        Assert.Equal(SupportPages.CantSignInPath + "?reference=" + missing.Reference, link);

        var form = await browser.GetAsync(link);
        Assert.Equal(missing.Reference, form.Control(ReferenceLabel).GetAttribute("value"));
    }
}
