namespace Threshold.Web.Tests.Infrastructure;

/// <summary>Page objects for the contract's routes, driven through their labelled controls.</summary>
public static class Site
{
    public static async Task<Form> RegisterFormAsync(this Browser browser, TestUser user)
    {
        var page = await browser.GetAsync("/register");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page.Form("Create account")
            .Fill("Email", user.Email)
            .Fill("Username", user.Username)
            .Fill("Password", user.Password);
    }

    public static async Task<HttpResponseMessage> RegisterAsync(this Browser browser, TestUser user) =>
        await (await browser.RegisterFormAsync(user)).SubmitAsync();

    public static async Task<Form> SignInFormAsync(this Browser browser, string identifier, string password, bool keepSignedIn = false, string? returnUrl = null)
    {
        var page = await browser.GetAsync(returnUrl is null ? "/signin" : "/signin?returnUrl=" + Uri.EscapeDataString(returnUrl));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return page.Form("Sign in")
            .Fill("Email or username", identifier)
            .Fill("Password", password)
            .Check("Keep me signed in", keepSignedIn);
    }

    public static async Task<HttpResponseMessage> SignInAsync(this Browser browser, string identifier, string password, bool keepSignedIn = false, string? returnUrl = null) =>
        await (await browser.SignInFormAsync(identifier, password, keepSignedIn, returnUrl)).SubmitAsync();

    /// <summary>Presses "Sign out" on the account page.</summary>
    public static async Task<HttpResponseMessage> SignOutAsync(this Browser browser)
    {
        var page = await browser.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.Form("Sign out").SubmitAsync();
    }

    /// <summary>Registers through the form and returns the verification link from the welcome email.</summary>
    public static async Task<string> RegisterAndGetLinkAsync(this Browser browser, ThresholdFactory app, TestUser user)
    {
        var response = await browser.RegisterAsync(user);
        response.AssertRedirectsTo("/register/check-email");
        return Mail.VerificationLink((await app.MessageToAsync(user.Email, "welcome")).TextBody);
    }

    /// <summary>A registered account (verification left pending).</summary>
    public static Task<TestUser> RegisteredUserAsync(this ThresholdFactory app) => RegisteredUserAsync(new Browser(app));

    /// <summary>A registered account, through a server on a real socket.</summary>
    public static Task<TestUser> RegisteredUserAsync(this ThresholdFactory _, Uri address) => RegisteredUserAsync(new Browser(address));

    private static async Task<TestUser> RegisteredUserAsync(Browser browser)
    {
        using var _ = browser;
        var user = TestUser.New();
        (await browser.RegisterAsync(user)).AssertRedirectsTo("/register/check-email");
        return user;
    }

    /// <summary>A fresh browser signed in as a fresh account.</summary>
    public static async Task<(Browser Browser, TestUser User)> SignedInAsync(this ThresholdFactory app, bool keepSignedIn = false)
    {
        var user = await app.RegisteredUserAsync();
        var browser = new Browser(app);
        (await browser.SignInAsync(user.Username, user.Password, keepSignedIn)).AssertRedirectsTo("/account");
        return (browser, user);
    }

    /// <summary>Path and query of an absolute link.</summary>
    public static string PathOf(string link) => new Uri(link).GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped);
}
