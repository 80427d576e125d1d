namespace Threshold.Web.Tests;

/// <summary>Password rules on /register: the reason is in the summary and linked to the field.</summary>
public sealed class PasswordRuleTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    public enum Rule { TooShort, Common, CommonWithSuffix, FromUsername, FromEmail, FromServiceName }

    private static (TestUser User, string Expect) Case(Rule rule)
    {
        var user = TestUser.New();
        var tag = user.Username[^6..];
        var username = "Vortexa" + tag;
        return rule switch
        {
            Rule.TooShort => (user with { Password = "x7#kQ2p" }, "at least 8"),
            Rule.Common => (user with { Password = "password123" }, "common"),
            Rule.CommonWithSuffix => (user with { Password = "sunshine2024!" }, "common"),
            Rule.FromUsername => (user with { Username = username, Password = username.ToLowerInvariant() + "!!2" }, "username"),
            Rule.FromEmail => (user with { Email = $"glimmerfax{tag}@example.test", Password = $"Glimmerfax{tag}#" }, "email"),
            _ => (user with { Password = "Threshold2025!" }, "our name"),
        };
    }

    [Theory]
    [InlineData(Rule.TooShort)]
    [InlineData(Rule.Common)]
    [InlineData(Rule.CommonWithSuffix)]
    [InlineData(Rule.FromUsername)]
    [InlineData(Rule.FromEmail)]
    [InlineData(Rule.FromServiceName)]
    public async Task A_refused_password_says_why_in_the_summary_and_at_the_field(Rule rule)
    {
        var (user, expect) = Case(rule);
        var accounts = await app.AccountCountAsync();
        using var browser = new Browser(app);
        var page = await (await browser.RegisterFormAsync(user)).SubmitAndLoadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        var summary = Assert.Single(page.Document.QuerySelectorAll("[role=alert]"));
        var password = page.Control("Password");
        Assert.Equal("true", password.GetAttribute("aria-invalid"));
        var error = Assert.Single(page.DescriptionsOf("Password"), e => e.ClassList.Contains("field-error"));
        Page.AssertIsSentence(error.TextContent);
        Assert.Contains(expect, error.TextContent, StringComparison.OrdinalIgnoreCase);
        Assert.Contains(Page.Normalize(error.TextContent), Page.Normalize(summary.TextContent));
        Assert.Matches(Page.ReferencePattern(), page.AlertText);
        Assert.Null(password.GetAttribute("value"));
        Assert.Equal(user.Username, page.Control("Username").GetAttribute("value"));
        Assert.Equal(accounts, await app.AccountCountAsync());
        Assert.Empty(await app.MessagesToAsync(user.Email));
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("Ünïcödé pässwörd ∑ 東京")]
    [InlineData("        spaces count too ")]
    public async Task Long_passphrases_with_spaces_and_any_Unicode_are_accepted_and_work_for_sign_in(string password)
    {
        var user = TestUser.New() with { Password = password };
        using var browser = new Browser(app);
        (await browser.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");
        (await browser.SignInAsync(user.Username, password)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task The_register_page_has_the_contract_labels_and_password_manager_hints()
    {
        using var browser = new Browser(app);
        var page = await browser.GetAsync("/register");
        Assert.Equal("email", page.Control("Email").GetAttribute("autocomplete"));
        Assert.Equal("username", page.Control("Username").GetAttribute("autocomplete"));
        Assert.Equal("new-password", page.Control("Password").GetAttribute("autocomplete"));
        Assert.True(page.HasButton("Create account"));
    }
}
