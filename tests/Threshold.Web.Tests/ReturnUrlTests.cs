namespace Threshold.Web.Tests;

/// <summary>returnUrl is followed only when it is a local path; the default landing is /account.</summary>
public sealed class ReturnUrlTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    [Theory]
    [InlineData("/account?tab=sessions")]
    [InlineData("/")]
    [InlineData("/register/check-email")]
    public async Task A_local_returnUrl_is_followed_after_sign_in(string returnUrl)
    {
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var form = await browser.SignInFormAsync(user.Username, user.Password, returnUrl: returnUrl);
        Assert.Contains(form.Fields, f => f.Key == "returnUrl" && f.Value == returnUrl);
        (await form.SubmitAsync()).AssertRedirectsTo(returnUrl);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("http:evil.example")]
    [InlineData("/\t/evil.example")]
    [InlineData(" //evil.example")]
    public async Task A_foreign_returnUrl_is_not_followed(string returnUrl)
    {
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var signedIn = await browser.SignInAsync(user.Username, user.Password, returnUrl: returnUrl);
        signedIn.AssertRedirectsTo("/account");

        // Already signed in: /signin with the same returnUrl forwards to /account too.
        (await browser.Http.GetAsync("/signin?returnUrl=" + Uri.EscapeDataString(returnUrl), Ct)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_returnUrl_posted_directly_to_another_host_is_not_followed()
    {
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var form = await browser.SignInFormAsync(user.Username, user.Password);
        form.Set("returnUrl", "https://evil.example/steal");
        (await form.SubmitAsync()).AssertRedirectsTo("/account");
    }
}
