using AngleSharp.Html.Dom;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// What passkeys.js does, step by step: fetch the ceremony's options with the page's antiforgery
/// token, let an authenticator answer, and post the answer in the page's form field "Credential".
/// </summary>
public static class PasskeyPages
{
    public const string PendingCookie = "Threshold.SignInStep";

    /// <summary>POSTs <paramref name="endpoint"/> as passkeys.js does, with the antiforgery token of <paramref name="page"/>.</summary>
    public static async Task<HttpResponseMessage> OptionsResponseAsync(this Page page, string endpoint)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.Add("RequestVerificationToken", page.AntiforgeryToken());
        return await page.Browser.Http.SendAsync(request, Ct);
    }

    public static async Task<string> OptionsAsync(this Page page, string endpoint)
    {
        var response = await page.OptionsResponseAsync(endpoint);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{endpoint} answered {(int)response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        return body;
    }

    /// <summary>The form passkeys.js posts for "Sign in with a passkey" (or "Use your security key").</summary>
    public static Form PasskeyGetForm(this Page page) =>
        new(page, page.Document.QuerySelector("form[data-passkey-get]") as IHtmlFormElement
            ?? throw new Xunit.Sdk.XunitException($"No passkey form on {page.Url} ({(int)page.Status}):\n{page.MainText}"));

    /// <summary>On /account/security/passkeys: asks for creation options, lets <paramref name="authenticator"/> answer, and presses "Add a passkey".</summary>
    public static async Task<HttpResponseMessage> AddPasskeyAsync(this Browser browser, SoftwareAuthenticator authenticator, string name,
        Func<string, string>? answer = null)
    {
        var page = await browser.GetAsync("/account/security/passkeys");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var options = await page.OptionsAsync("/passkeys/creation-options");
        var credential = (answer ?? authenticator.Create)(options);
        return await page.Form("Add a passkey").Fill("Name", name).Set("Credential", credential).SubmitAsync();
    }

    /// <summary>/signin, "Sign in with a passkey": the sign-in page, and the options it fetched (which set the pending sign-in cookie).</summary>
    public static async Task<(Page Page, string Options)> PasskeySignInOptionsAsync(this Browser browser)
    {
        var page = await browser.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return (page, await page.OptionsAsync("/passkeys/sign-in-options"));
    }

    public static async Task<HttpResponseMessage> SignInWithPasskeyAsync(this Browser browser, Func<string, string> answer)
    {
        var (page, options) = await browser.PasskeySignInOptionsAsync();
        return await page.PasskeyGetForm().Set("Credential", answer(options)).SubmitAsync();
    }
}
