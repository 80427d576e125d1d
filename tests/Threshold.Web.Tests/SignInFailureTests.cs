using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Passwords;

namespace Threshold.Web.Tests;

/// <summary>A wrong password and an unknown account look the same: text, status, reference code, kept identifier.</summary>
public sealed class SignInFailureTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    [Fact]
    public async Task Wrong_password_and_unknown_account_give_the_same_answer_with_a_recorded_reference()
    {
        var user = await app.RegisteredUserAsync();
        var unknown = TestUser.UniqueUsername();
        using var browser = new Browser(app);

        var wrong = await Page.LoadAsync(browser, await browser.SignInAsync(user.Username, user.Password + "x"));
        var nobody = await Page.LoadAsync(browser, await browser.SignInAsync(unknown, user.Password));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.Status);
        Assert.Equal(wrong.Status, nobody.Status);
        Assert.NotEmpty(wrong.AlertTextWithoutReference);
        Assert.Equal(wrong.AlertTextWithoutReference, nobody.AlertTextWithoutReference);
        Assert.Null(browser.Cookie(Browser.SessionCookie));

        foreach (var (page, typed) in new[] { (wrong, user.Username), (nobody, unknown) })
        {
            Assert.Matches(Page.ReferencePattern(), page.AlertText);
            Assert.Equal(typed, page.Control("Email or username").GetAttribute("value"));
            Assert.Null(page.Control("Password").GetAttribute("value"));
            Assert.True(page.HasButton("Sign in"));
        }
        Assert.NotEqual(wrong.Reference, nobody.Reference);

        var wrongEvent = await app.EventAsync(wrong.Reference!);
        Assert.NotNull(wrongEvent);
        Assert.Equal(SecurityEventKind.SignInFailed, wrongEvent.Kind);
        Assert.Equal("wrong_password", wrongEvent.Reason);
        Assert.Equal(user.Username, wrongEvent.Identifier);
        Assert.Equal((await app.AccountAsync(user.Email))!.Id, wrongEvent.AccountId);

        var unknownEvent = await app.EventAsync(nobody.Reference!);
        Assert.NotNull(unknownEvent);
        Assert.Equal(SecurityEventKind.SignInFailed, unknownEvent.Kind);
        Assert.Equal("unknown_account", unknownEvent.Reason);
        Assert.Equal(unknown, unknownEvent.Identifier);
        Assert.Null(unknownEvent.AccountId);
    }

    [Fact]
    public async Task The_password_is_case_sensitive()
    {
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var response = await browser.SignInAsync(user.Email, user.Password.ToUpperInvariant());
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(browser.Cookie(Browser.SessionCookie));
    }

    [Fact]
    public async Task Missing_identifier_or_password_is_a_field_error_linked_to_its_field()
    {
        using var browser = new Browser(app);
        var page = await (await browser.SignInFormAsync("", "")).SubmitAndLoadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        foreach (var label in new[] { "Email or username", "Password" })
        {
            Assert.Equal("true", page.Control(label).GetAttribute("aria-invalid"));
            var error = Assert.Single(page.DescriptionsOf(label), e => e.ClassList.Contains("field-error"));
            Page.AssertIsSentence(error.TextContent);
        }
    }

    [Fact]
    public async Task The_sign_in_page_has_the_contract_labels_and_autocomplete_hints()
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync("/signin");
        Assert.Equal("username webauthn", page.Control("Email or username").GetAttribute("autocomplete"));
        Assert.Equal("current-password", page.Control("Password").GetAttribute("autocomplete"));
        Assert.Equal("checkbox", page.Control("Keep me signed in").GetAttribute("type"));
        Assert.True(page.HasButton("Sign in"));
        Assert.NotNull(page.Link("Forgot password?"));
        Assert.NotNull(page.Link("Forgot username?"));
        Assert.NotNull(page.Link("Create account"));
    }
}

/// <summary>
/// Both failure paths do the same work: one verification against the account's hash (or a
/// dummy hash when there is no account) plus exactly Passwords:HintBudget hint checks.
/// </summary>
public sealed class SignInWorkTests
{
    private static (ThresholdFactory App, Func<CountingPasswordHasher> Hasher) Create(int? hintBudget = null)
    {
        CountingPasswordHasher? hasher = null;
        var app = new ThresholdFactory
        {
            RealPasswordHashing = true,
            Settings = hintBudget is { } b ? new Dictionary<string, string?> { ["Passwords:HintBudget"] = b.ToString() } : new Dictionary<string, string?>(),
            TestServices = services => services.AddSingleton<IPasswordHasher<Account>>(sp =>
                hasher = new CountingPasswordHasher(new Argon2idPasswordHasher(sp.GetRequiredService<IOptions<PasswordSettings>>()))),
        };
        return (app, () => hasher ?? throw new Xunit.Sdk.XunitException("The counting hasher was not used"));
    }

    private static async Task<int> VerificationsForAsync(ThresholdFactory app, CountingPasswordHasher hasher, string identifier, string password, HttpStatusCode expected)
    {
        using var browser = new Browser(app);
        var form = await browser.SignInFormAsync(identifier, password);
        hasher.Reset();
        var response = await form.SubmitAsync();
        Assert.Equal(expected, response.StatusCode);
        return hasher.Verifications;
    }

    [Fact]
    public async Task Wrong_password_typo_and_unknown_account_each_cost_the_same_number_of_verifications()
    {
        var (app, hasher) = Create();
        await using var _ = app;
        var user = await app.RegisteredUserAsync();
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", (await app.AccountAsync(user.Email))!.PasswordHash);
        var budget = app.Services.GetRequiredService<IOptions<PasswordSettings>>().Value.HintBudget;
        var failure = 1 + budget;

        Assert.Equal(failure, await VerificationsForAsync(app, hasher(), user.Username, user.Password + "!", HttpStatusCode.Unauthorized));
        Assert.Equal(failure, await VerificationsForAsync(app, hasher(), TestUser.UniqueUsername(), user.Password, HttpStatusCode.Unauthorized));
        Assert.Equal(failure, await VerificationsForAsync(app, hasher(), TestUser.UniqueEmail(), user.Password, HttpStatusCode.Unauthorized));
        Assert.Equal(failure, await VerificationsForAsync(app, hasher(), new string('x', 300), user.Password, HttpStatusCode.Unauthorized));
        // A Caps Lock slip is recognised early, and still padded to the same cost.
        Assert.Equal(failure, await VerificationsForAsync(app, hasher(), user.Username, InvertCase(user.Password), HttpStatusCode.Unauthorized));
        Assert.Equal(1, await VerificationsForAsync(app, hasher(), user.Email, user.Password, HttpStatusCode.Found));
    }

    [Fact]
    public async Task Without_hints_a_wrong_password_and_an_unknown_account_each_verify_exactly_one_password()
    {
        var (app, hasher) = Create(hintBudget: 0);
        await using var _ = app;
        var user = await app.RegisteredUserAsync();

        Assert.Equal(1, await VerificationsForAsync(app, hasher(), user.Username, user.Password + "!", HttpStatusCode.Unauthorized));
        Assert.Equal(1, await VerificationsForAsync(app, hasher(), TestUser.UniqueUsername(), user.Password, HttpStatusCode.Unauthorized));
        Assert.Equal(1, await VerificationsForAsync(app, hasher(), user.Email, user.Password, HttpStatusCode.Found));
    }

    private static string InvertCase(string text) =>
        string.Concat(text.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.ToUpperInvariant(c)));
}
