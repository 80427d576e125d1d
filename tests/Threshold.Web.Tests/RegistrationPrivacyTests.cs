namespace Threshold.Web.Tests;

/// <summary>Registration never reveals a taken email or username: the mailbox learns what happened, the form does not.</summary>
public sealed class RegistrationPrivacyTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    private static void AssertSameAnswer(HttpResponseMessage expected, HttpResponseMessage actual)
    {
        Assert.Equal(expected.StatusCode, actual.StatusCode);
        Assert.Equal(expected.RedirectTarget(), actual.RedirectTarget());
        Assert.Equal(expected.SetCookies().Select(c => c.Split('=')[0]).Order(), actual.SetCookies().Select(c => c.Split('=')[0]).Order());
    }

    [Fact]
    public async Task A_taken_email_in_another_case_gets_check_your_email_and_the_owner_hears_their_username()
    {
        var owner = TestUser.New();
        using var first = new Browser(app);
        var original = await first.RegisterAsync(owner);
        original.AssertRedirectsTo("/register/check-email");
        var accounts = await app.AccountCountAsync();

        var again = owner with { Email = owner.Email.ToUpperInvariant(), Username = TestUser.UniqueUsername(), Password = "Another fine passphrase" };
        using var second = new Browser(app);
        var response = await second.RegisterAsync(again);

        AssertSameAnswer(original, response);
        Assert.Equal("Check your email", (await second.FollowAsync(response)).Heading);
        Assert.Equal(accounts, await app.AccountCountAsync());
        Assert.Null(await app.AccountAsync(again.Username));

        var notice = await app.MessageToAsync(owner.Email, "already-registered");
        Assert.Equal(owner.Email, notice.To);
        Assert.Contains("already have", notice.Subject + notice.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(owner.Username, notice.TextBody);
        Assert.DoesNotContain("verify-email", notice.TextBody);
        Assert.Single(await app.MessagesToAsync(owner.Email), m => m.Template == "welcome");
    }

    [Fact]
    public async Task A_taken_username_with_a_new_email_gets_check_your_email_and_the_new_address_hears_it_is_not_available()
    {
        var owner = await app.RegisteredUserAsync();
        var accounts = await app.AccountCountAsync();

        var fresh = TestUser.New();
        using var control = new Browser(app);
        var freshAnswer = await control.RegisterAsync(fresh);
        Assert.Equal(accounts + 1, await app.AccountCountAsync());

        var newcomer = TestUser.New() with { Username = owner.Username };
        using var browser = new Browser(app);
        var response = await browser.RegisterAsync(newcomer);

        AssertSameAnswer(freshAnswer, response);
        Assert.Equal(accounts + 1, await app.AccountCountAsync());
        Assert.Null(await app.AccountAsync(newcomer.Email));
        var notice = await app.MessageToAsync(newcomer.Email, "username-unavailable");
        Assert.Contains("not available", notice.TextBody);
        Assert.Contains(owner.Username, notice.TextBody);
        Assert.DoesNotContain(owner.Email, notice.TextBody);
        Assert.DoesNotContain(await app.MessagesToAsync(newcomer.Email), m => m.Template == "welcome");
    }

    [Fact]
    public async Task Usernames_are_unique_ignoring_case_and_keep_their_display_form()
    {
        var owner = TestUser.New() with { Username = "MiXeD_" + TestUser.UniqueUsername()[8..] };
        using var browser = new Browser(app);
        (await browser.RegisterAsync(owner)).AssertRedirectsTo("/register/check-email");
        var accounts = await app.AccountCountAsync();

        var lookalike = TestUser.New() with { Username = owner.Username.ToLowerInvariant() };
        using var other = new Browser(app);
        (await other.RegisterAsync(lookalike)).AssertRedirectsTo("/register/check-email");
        Assert.Equal(accounts, await app.AccountCountAsync());
        await app.MessageToAsync(lookalike.Email, "username-unavailable");

        (await browser.SignInAsync(owner.Username.ToUpperInvariant(), owner.Password)).AssertRedirectsTo("/account");
        Assert.Contains(owner.Username, (await browser.GetAsync("/account")).MainText);
        Assert.Equal(owner.Username, (await app.AccountAsync(owner.Email))!.UserName);
    }

    [Theory]
    [InlineData("someone@example.test")]
    [InlineData("a@b")]
    public async Task A_username_that_looks_like_an_email_is_refused_with_a_field_error(string username)
    {
        var user = TestUser.New() with { Username = username };
        var accounts = await app.AccountCountAsync();
        using var browser = new Browser(app);
        var page = await (await browser.RegisterFormAsync(user)).SubmitAndLoadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Equal("true", page.Control("Username").GetAttribute("aria-invalid"));
        var error = Assert.Single(page.DescriptionsOf("Username"), e => e.ClassList.Contains("field-error"));
        Page.AssertIsSentence(error.TextContent);
        Assert.Contains("email", error.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Page.Normalize(error.TextContent), page.AlertText);
        Assert.Equal("false", page.Control("Email").GetAttribute("aria-invalid"));
        Assert.Equal(user.Email, page.Control("Email").GetAttribute("value"));
        Assert.Equal(accounts, await app.AccountCountAsync());
        Assert.Empty(await app.MessagesToAsync(user.Email));
    }

    [Fact]
    public async Task Another_accounts_email_cannot_be_used_as_a_username_either()
    {
        var owner = await app.RegisteredUserAsync();
        var accounts = await app.AccountCountAsync();
        using var browser = new Browser(app);
        var response = await browser.RegisterAsync(TestUser.New() with { Username = owner.Email });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(accounts, await app.AccountCountAsync());
    }
}
