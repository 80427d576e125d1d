using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Activity;
using static Threshold.Web.Tests.Infrastructure.AccountPages;

namespace Threshold.Web.Tests;

/// <summary>
/// After a failed password, the page says what went wrong only when a corrected form really
/// matches (Caps Lock, first letter, autocorrect, a trailing space); an unknown account or a
/// wrong guess gets the one generic message. No variant ever signs in by default.
/// </summary>
public sealed class PasswordHintTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    private sealed record Attempt(Page Page, bool SessionCookie, HttpResponseMessage Response);

    private async Task<Attempt> SignInAsync(string identifier, string password)
    {
        using var browser = new Browser(app);
        var response = await browser.SignInAsync(identifier, password);
        var page = await Page.LoadAsync(browser, response);
        return new(page, browser.Cookie(Browser.SessionCookie) is not null || response.SetCookie(Browser.SessionCookie) is not null, response);
    }

    /// <summary>The generic failure text, as a wrong password for a real account shows it.</summary>
    private async Task<Attempt> WrongPasswordAsync()
    {
        var someone = await app.RegisteredUserAsync();
        return await SignInAsync(someone.Username, someone.Password + "?");
    }

    private static int HintLinkCount(Page page, string text) =>
        page.Document.QuerySelectorAll("form a").Count(a => Page.Normalize(a.TextContent) == text);

    private async Task AssertReasonAsync(Page page, string reason)
    {
        var recorded = await app.EventAsync(page.Reference!);
        Assert.NotNull(recorded);
        Assert.Equal(SecurityEventKind.SignInFailed, recorded.Kind);
        Assert.Equal(reason, recorded.Reason);
    }

    [Fact]
    public async Task A_wrong_password_gets_the_generic_message_without_any_hint()
    {
        var wrong = await WrongPasswordAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Page.Status);
        Assert.False(wrong.SessionCookie);
        Assert.Contains("email, username or password is not right", wrong.Page.AlertTextWithoutReference);
        foreach (var word in new[] { "Caps Lock", "old password", "curly", "first letter", "space" })
            Assert.DoesNotContain(word, wrong.Page.AlertText, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0, HintLinkCount(wrong.Page, "Forgot password?"));
        await AssertReasonAsync(wrong.Page, "wrong_password");
    }

    [Fact]
    public async Task A_Caps_Lock_inverted_password_gets_the_Caps_Lock_hint_and_no_session()
    {
        var user = await app.RegisteredUserAsync();
        var wrong = await WrongPasswordAsync();

        var caps = await SignInAsync(user.Username, InvertCase(user.Password));

        Assert.Equal(wrong.Page.Status, caps.Page.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, caps.Page.Status);
        Assert.False(caps.SessionCookie);
        Assert.NotNull(caps.Page.Alert);
        Assert.Contains("Caps Lock", caps.Page.AlertText);
        Assert.NotEqual(wrong.Page.AlertTextWithoutReference, caps.Page.AlertTextWithoutReference);
        Assert.Matches(Page.ReferencePattern(), caps.Page.AlertText);
        Assert.Equal(user.Username, caps.Page.Control("Email or username").GetAttribute("value"));
        Assert.Null(caps.Page.Control("Password").GetAttribute("value"));
        await AssertReasonAsync(caps.Page, "caps_lock");
    }

    [Fact]
    public async Task A_curly_quote_from_autocorrect_gets_the_autocorrect_hint()
    {
        var u = TestUser.New();
        var user = u with { Password = $"Don't lose the lantern {u.Username[^4..]}" };
        using (var registering = new Browser(app))
            (await registering.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");
        var wrong = await WrongPasswordAsync();

        var curly = await SignInAsync(user.Email, user.Password.Replace('\'', '\u2019'));

        Assert.Equal(wrong.Page.Status, curly.Page.Status);
        Assert.False(curly.SessionCookie);
        Assert.Contains("autocorrect", curly.Page.AlertText);
        Assert.Contains("\u2019", curly.Page.AlertText);
        await AssertReasonAsync(curly.Page, "autocorrect");

        // The same with a long dash where the password has a hyphen.
        var d = TestUser.New();
        var dashed = d with { Password = $"well-known lantern {d.Username[^4..]}" };
        using (var registering = new Browser(app))
            (await registering.RegisterAsync(dashed)).AssertRedirectsTo("/register/check-email");
        var longDash = await SignInAsync(dashed.Username, dashed.Password.Replace('-', '\u2013'));
        Assert.Contains("autocorrect", longDash.Page.AlertText);
        Assert.False(longDash.SessionCookie);

        // And it really is the password: typed plainly, it signs in.
        Assert.True((await SignInAsync(user.Email, user.Password)).SessionCookie);
    }

    [Fact]
    public async Task A_first_letter_with_the_wrong_case_gets_its_hint()
    {
        var user = await app.RegisteredUserAsync();
        var wrong = await WrongPasswordAsync();

        var first = await SignInAsync(user.Username, FlipFirstLetter(user.Password));

        Assert.Equal(wrong.Page.Status, first.Page.Status);
        Assert.False(first.SessionCookie);
        Assert.Contains("first letter", first.Page.AlertText);
        Assert.DoesNotContain("Caps Lock", first.Page.AlertText);
        await AssertReasonAsync(first.Page, "first_letter_case");
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\n")]
    [InlineData("\r\n")]
    public async Task A_trailing_space_or_line_break_gets_its_hint(string trailing)
    {
        var user = await app.RegisteredUserAsync();
        var wrong = await WrongPasswordAsync();

        var spaced = await SignInAsync(user.Username, user.Password + trailing);

        Assert.Equal(wrong.Page.Status, spaced.Page.Status);
        Assert.False(spaced.SessionCookie);
        Assert.Contains("space or line break at the end", spaced.Page.AlertText);
        await AssertReasonAsync(spaced.Page, "trailing_whitespace");
    }

    [Fact]
    public async Task An_unknown_account_with_the_same_inputs_gets_only_the_generic_message()
    {
        var u = TestUser.New();
        var user = u with { Password = $"It's a well-known lantern {u.Username[^4..]}" };
        using (var registering = new Browser(app))
            (await registering.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");
        var wrong = await WrongPasswordAsync();
        var typos = new[]
        {
            InvertCase(user.Password),
            FlipFirstLetter(user.Password),
            user.Password.Replace('\'', '\u2019').Replace('-', '\u2014'),
            user.Password + " ",
            user.Password,
        };

        foreach (var identifier in new[] { TestUser.UniqueUsername(), TestUser.UniqueEmail() })
        {
            foreach (var typed in typos)
            {
                var nobody = await SignInAsync(identifier, typed);
                Assert.Equal(wrong.Page.Status, nobody.Page.Status);
                Assert.Equal(wrong.Page.AlertTextWithoutReference, nobody.Page.AlertTextWithoutReference);
                Assert.Equal(0, HintLinkCount(nobody.Page, "Forgot password?"));
                Assert.False(nobody.SessionCookie);
                await AssertReasonAsync(nobody.Page, "unknown_account");
            }
        }

        // Someone else's account with this person's typos: still only the generic message.
        var other = await app.RegisteredUserAsync();
        foreach (var typed in typos)
        {
            var someoneElse = await SignInAsync(other.Username, typed);
            Assert.Equal(wrong.Page.AlertTextWithoutReference, someoneElse.Page.AlertTextWithoutReference);
            await AssertReasonAsync(someoneElse.Page, "wrong_password");
        }

        // The real account with the same inputs gets the hints, so the comparison above means something.
        foreach (var typed in typos[..4])
            Assert.NotEqual(wrong.Page.AlertTextWithoutReference, (await SignInAsync(user.Username, typed)).Page.AlertTextWithoutReference);
    }

    [Fact]
    public async Task Hints_never_leak_the_password_or_the_corrected_form()
    {
        var user = await app.RegisteredUserAsync();
        var caps = await SignInAsync(user.Username, InvertCase(user.Password));
        Assert.DoesNotContain(user.Password, caps.Page.Html);
        Assert.DoesNotContain(InvertCase(user.Password), caps.Page.Html);
    }
}

/// <summary>Passwords:AcceptTypoVariants=true: Caps Lock and first-letter variants sign in (NIST allows it); autocorrect never does.</summary>
public sealed class AcceptTypoVariantsTests : IAsyncLifetime
{
    private readonly ThresholdFactory _app = new()
    {
        Settings = new Dictionary<string, string?> { ["Passwords:AcceptTypoVariants"] = "true" },
    };

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;
    public ValueTask DisposeAsync() => _app.DisposeAsync();

    [Fact]
    public async Task A_Caps_Lock_inverted_password_signs_in()
    {
        var user = await _app.RegisteredUserAsync();
        using var browser = new Browser(_app);
        var response = await browser.SignInAsync(user.Username, InvertCase(user.Password));
        response.AssertRedirectsTo("/account");
        Assert.NotNull(response.SetCookie(Browser.SessionCookie));
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/account")).Status);
        Assert.Equal("accepted_caps_lock", (await LatestEventAsync(user)).Reason);
    }

    private async Task<SecurityEvent> LatestEventAsync(TestUser user)
    {
        var accountId = (await _app.AccountAsync(user.Email))!.Id;
        await using var scope = _app.Services.CreateAsyncScope();
        var events = await scope.ServiceProvider.GetRequiredService<ISecurityEventLog>().ForAccountAsync(accountId, 10, Ct);
        return events.OrderByDescending(e => e.At).First();
    }

    [Fact]
    public async Task A_first_letter_variant_signs_in()
    {
        var user = await _app.RegisteredUserAsync();
        using var browser = new Browser(_app);
        (await browser.SignInAsync(user.Email, FlipFirstLetter(user.Password))).AssertRedirectsTo("/account");
        var recorded = await LatestEventAsync(user);
        Assert.Equal(SecurityEventKind.SignInSucceeded, recorded.Kind);
        Assert.Equal("accepted_first_letter_case", recorded.Reason);
    }

    [Fact]
    public async Task An_autocorrected_password_still_does_not_sign_in()
    {
        var u = TestUser.New();
        var user = u with { Password = $"Don't lose the lantern {u.Username[^4..]}" };
        using var browser = new Browser(_app);
        (await browser.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");

        var response = await browser.SignInAsync(user.Username, user.Password.Replace('\'', '\u2019'));
        var page = await Page.LoadAsync(browser, response);
        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Null(response.SetCookie(Browser.SessionCookie));
        Assert.Contains("autocorrect", page.AlertText);
    }

    [Fact]
    public async Task A_trailing_space_still_does_not_sign_in()
    {
        var user = await _app.RegisteredUserAsync();
        using var browser = new Browser(_app);
        var response = await browser.SignInAsync(user.Username, user.Password + " ");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(response.SetCookie(Browser.SessionCookie));
    }

    [Fact]
    public async Task A_wrong_password_still_fails()
    {
        var user = await _app.RegisteredUserAsync();
        using var browser = new Browser(_app);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(user.Username, user.Password + "x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.SignInAsync(TestUser.UniqueUsername(), InvertCase(user.Password))).StatusCode);
    }
}

/// <summary>The Caps Lock warning on password fields: a live region the field points to, driven by a script file (no inline script).</summary>
public sealed class CapsLockWarningMarkupTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    [Theory]
    [InlineData("/signin")]
    [InlineData("/register")]
    public async Task The_password_field_is_described_by_a_live_Caps_Lock_warning(string path)
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.Status);

        var live = page.DescriptionsOf("Password").Where(e => e.GetAttribute("aria-live") is "polite" or "assertive").ToList();
        var warning = Assert.Single(live);
        Assert.Contains("Caps Lock is on", warning.OuterHtml);
        Assert.Equal("", Page.Normalize(warning.TextContent)); // empty until Caps Lock is on
        Assert.Equal("false", page.Control("Password").GetAttribute("aria-invalid"));
    }

    [Fact]
    public async Task The_warning_is_driven_by_a_script_file_that_reads_the_Caps_Lock_state()
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync("/signin");
        var scripts = page.Document.QuerySelectorAll("script").ToList();
        Assert.NotEmpty(scripts);
        Assert.All(scripts, s => Assert.False(string.IsNullOrWhiteSpace(s.GetAttribute("src")), "inline script: " + s.OuterHtml));
        Assert.DoesNotContain(page.Document.All, e => e.Attributes.Any(a => a.Name.StartsWith("on", StringComparison.OrdinalIgnoreCase)));

        var sources = await Task.WhenAll(scripts.Select(s => browser.Http.GetStringAsync(s.GetAttribute("src"), Ct)));
        Assert.Contains(sources, js => js.Contains("getModifierState") && js.Contains("CapsLock"));

        var csp = string.Join(";", page.Response.Headers.TryGetValues("Content-Security-Policy", out var values) ? values : []);
        Assert.Contains("script-src", csp);
        Assert.DoesNotContain("unsafe-inline", csp.Split(';').FirstOrDefault(d => d.Trim().StartsWith("script-src")) ?? "");
    }
}
