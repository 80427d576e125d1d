using System.Text;
using System.Text.Json.Nodes;

namespace Threshold.Web.Tests;

/// <summary>
/// Passkeys against a software authenticator: one that works signs in alone; an answer for another
/// origin, a replayed or borrowed challenge, a wrong key or a mangled credential is refused with a
/// message (401/400), never a 500, and never signs in.
/// </summary>
public sealed class PasskeyBadInputTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    private const string Refused = "That passkey could not sign you in. Try again, or sign in with your password.";

    [Fact]
    public async Task A_passkey_added_with_a_software_authenticator_signs_in_alone()
    {
        var (browser, user) = await app.SignedInAsync();
        using var _ = browser;
        using var authenticator = new SoftwareAuthenticator();

        var added = await browser.AddPasskeyAsync(authenticator, "Software key");
        // The first factor: backup codes come next.
        added.AssertRedirectsTo("/account/security/backup-codes?first=true&returnUrl=%2Faccount%2Fsecurity");
        var list = await browser.GetAsync("/account/security/passkeys");
        Assert.Contains("Software key", list.MainText);
        Assert.Equal(Encoding.UTF8.GetBytes((await app.AccountAsync(user.Username))!.Id.ToString()), authenticator.UserHandle);

        using var elsewhere = new Browser(app);
        var signedIn = await elsewhere.SignInWithPasskeyAsync(authenticator.Get);
        signedIn.AssertRedirectsTo("/account");
        Assert.Null(elsewhere.Cookie(PasskeyPages.PendingCookie));
        var account = await elsewhere.GetAsync("/account");
        Assert.Equal(HttpStatusCode.OK, account.Status);
        Assert.Contains(user.Username, account.MainText);

        // A counting authenticator works too (its counter only grows).
        authenticator.SignCount = 1;
        using var third = new Browser(app);
        (await third.SignInWithPasskeyAsync(authenticator.Get)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task An_answer_made_for_another_origin_is_refused_at_sign_in_and_when_adding()
    {
        using var authenticator = await RegisteredAuthenticatorAsync();
        authenticator.Origin = "http://evil.example";
        await AssertRefusedAsync(new Browser(app), authenticator.Get);

        // The same origin on another port, or https instead of http, is another origin too.
        foreach (var origin in new[] { PublicOrigin + ":8080", PublicOrigin.Replace("http:", "https:"), "http://localhost.evil.example" })
        {
            authenticator.Origin = origin;
            await AssertRefusedAsync(new Browser(app), authenticator.Get);
        }
        authenticator.Origin = PublicOrigin;
        (await new Browser(app).SignInWithPasskeyAsync(authenticator.Get)).AssertRedirectsTo("/account");

        var (browser, _) = await app.SignedInAsync();
        using var __ = browser;
        using var phished = new SoftwareAuthenticator("http://evil.example");
        var added = await browser.AddPasskeyAsync(phished, "Phished key");
        var page = await Page.LoadAsync(browser, added);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Contains("The passkey was not added.", page.AlertText);
        Assert.NotNull(page.Reference);
        Assert.DoesNotContain("Phished key", (await browser.GetAsync("/account/security/passkeys")).MainText);
    }

    [Fact]
    public async Task Replaying_an_assertion_is_refused_because_the_challenge_is_used_once()
    {
        using var authenticator = await RegisteredAuthenticatorAsync();
        using var browser = new Browser(app);
        var (page, options) = await browser.PasskeySignInOptionsAsync();
        var form = page.PasskeyGetForm().Set("Credential", authenticator.Get(options));
        // Everything an eavesdropper could keep: the cookies and the body of the successful post.
        var cookies = browser.Cookies.GetCookieHeader(browser.BaseAddress);
        Assert.Contains(PasskeyPages.PendingCookie + "=", cookies);

        (await form.SubmitAsync()).AssertRedirectsTo("/account");

        // The very same request again (same pending sign-in cookie, same challenge, same signature).
        using var replay = Browser.Bare(app);
        using var request = new HttpRequestMessage(HttpMethod.Post, form.Action) { Content = new FormUrlEncodedContent(form.Fields) };
        request.Headers.Add("Cookie", cookies);
        var replayed = await replay.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, replayed.StatusCode);
        Assert.Null(replayed.SetCookie(Browser.SessionCookie));
        Assert.Contains(Refused, Page.Normalize(await replayed.Content.ReadAsStringAsync(Ct)));

        // The old answer with a fresh challenge of its own: refused as well.
        using var later = new Browser(app);
        await AssertRefusedAsync(later, _ => form.Fields.Single(f => f.Key == "Credential").Value);
    }

    [Fact]
    public async Task An_answer_to_a_challenge_issued_to_another_browser_is_refused()
    {
        using var authenticator = await RegisteredAuthenticatorAsync();
        using var victim = new Browser(app);
        var (victimPage, victimOptions) = await victim.PasskeySignInOptionsAsync();
        var answer = authenticator.Get(victimOptions);

        // The attacker's browser has a sign-in in progress of its own (its own challenge) …
        using var attacker = new Browser(app);
        var (attackerPage, _) = await attacker.PasskeySignInOptionsAsync();
        var posted = await Page.LoadAsync(attacker, await attackerPage.PasskeyGetForm().Set("Credential", answer).SubmitAsync());
        AssertRefusedPage(posted, attacker);

        // … or none at all.
        using var bare = new Browser(app);
        var signInPage = await bare.GetAsync("/signin");
        var none = await Page.LoadAsync(bare, await signInPage.PasskeyGetForm().Set("Credential", answer).SubmitAsync());
        AssertRefusedPage(none, bare);

        // The browser the challenge was issued to still signs in with it.
        (await victimPage.PasskeyGetForm().Set("Credential", answer).SubmitAsync()).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task An_assertion_signed_with_another_key_is_refused()
    {
        using var authenticator = await RegisteredAuthenticatorAsync();
        using var impostor = authenticator.Impostor();
        await AssertRefusedAsync(new Browser(app), impostor.Get);

        // Nor does user presence without user verification sign in alone.
        authenticator.UserVerified = false;
        await AssertRefusedAsync(new Browser(app), authenticator.Get);
        authenticator.UserVerified = true;
        (await new Browser(app).SignInWithPasskeyAsync(authenticator.Get)).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task At_the_second_step_only_a_security_key_of_this_account_is_accepted_and_each_challenge_once()
    {
        var (owner, user) = await app.SignedInAsync();
        using var _ = owner;
        using var key = new SoftwareAuthenticator();
        (await owner.AddPasskeyAsync(key, "Blue key")).RedirectTarget();
        using var otherKey = await RegisteredAuthenticatorAsync();

        using var browser = new Browser(app);
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/signin/two-factor?returnUrl=%2Faccount");
        var step = await browser.GetAsync("/signin/two-factor?returnUrl=%2Faccount");
        Assert.True(step.HasButton("Use your security key"), step.MainText);

        // Another account's passkey, valid in itself: refused.
        var options = await step.OptionsAsync("/passkeys/second-step-options");
        var refused = await Page.LoadAsync(browser, await step.PasskeyGetForm().Set("Credential", otherKey.Get(options, ignoreAllowList: true)).SubmitAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        Assert.Contains("That security key could not confirm it's you.", refused.AlertText);
        Assert.Null(browser.Cookie(Browser.SessionCookie));

        // The right key answering the challenge that was already spent on the refused try: refused too.
        var stale = await Page.LoadAsync(browser, await step.PasskeyGetForm().Set("Credential", key.Get(options)).SubmitAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, stale.Status);
        Assert.Null(browser.Cookie(Browser.SessionCookie));

        // The right key with a fresh challenge: signed in.
        var fresh = await step.OptionsAsync("/passkeys/second-step-options");
        (await step.PasskeyGetForm().Set("Credential", key.Get(fresh)).SubmitAsync()).AssertRedirectsTo("/account");
    }

    public static TheoryData<string> Mangled() =>
    [
        "empty", "not json", "null", "array", "empty object", "oversized", "oversized json", "wrong type", "no response",
        "signature flipped", "signature garbage", "signature missing", "authenticator data truncated", "client data not base64url",
        "client data not json", "client data deeply nested", "id not base64url", "huge id", "unknown credential", "user handle of nobody",
        "user handle missing", "id of another credential", "webauthn.create type",
    ];

    [Theory]
    [MemberData(nameof(Mangled))]
    public async Task A_mangled_credential_is_answered_with_401_or_400_never_500(string how)
    {
        using var authenticator = await RegisteredAuthenticatorAsync();
        using var browser = new Browser(app);
        var response = await browser.SignInWithPasskeyAsync(options => Mangle(how, authenticator.Get(options)));
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.BadRequest,
            $"{how}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        Assert.Null(response.SetCookie(Browser.SessionCookie));
        (await browser.Http.GetAsync("/account", Ct)).AssertRedirectsTo("/signin?returnUrl=%2Faccount");
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("oversized")]
    [InlineData("client data deeply nested")]
    [InlineData("webauthn.get type")]
    [InlineData("attestation object garbage")]
    public async Task A_mangled_attestation_adds_no_passkey_and_is_never_a_500(string how)
    {
        var (browser, _) = await app.SignedInAsync();
        using var __ = browser;
        using var authenticator = new SoftwareAuthenticator();
        var response = await browser.AddPasskeyAsync(authenticator, "Mangled", options => Mangle(how, authenticator.Create(options)));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var list = await browser.GetAsync("/account/security/passkeys");
        Assert.DoesNotContain("Mangled", list.MainText);
        Assert.DoesNotContain("Your passkeys", list.MainText);
        Assert.Contains("Two-step sign-in is off.", (await browser.GetAsync("/account/security")).MainText);
    }

    [Fact]
    public async Task The_options_endpoints_need_the_antiforgery_token_and_creation_needs_a_signed_in_person()
    {
        using var browser = new Browser(app);
        await browser.GetAsync("/signin");
        Assert.Equal(HttpStatusCode.BadRequest, (await browser.Http.PostAsync("/passkeys/sign-in-options", null, Ct)).StatusCode);

        var signIn = await browser.GetAsync("/signin");
        var creation = await signIn.OptionsResponseAsync("/passkeys/creation-options");
        Assert.NotEqual(HttpStatusCode.OK, creation.StatusCode);
        Assert.True((int)creation.StatusCode < 500);
        Assert.DoesNotContain("challenge", await creation.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>A passkey on a fresh account, added through the passkeys page.</summary>
    private async Task<SoftwareAuthenticator> RegisteredAuthenticatorAsync()
    {
        var (browser, _) = await app.SignedInAsync();
        using var __ = browser;
        var authenticator = new SoftwareAuthenticator();
        (await browser.AddPasskeyAsync(authenticator, "Software key")).RedirectTarget();
        return authenticator;
    }

    private static async Task AssertRefusedAsync(Browser browser, Func<string, string> answer)
    {
        using var _ = browser;
        var page = await Page.LoadAsync(browser, await browser.SignInWithPasskeyAsync(answer));
        AssertRefusedPage(page, browser);
    }

    private static void AssertRefusedPage(Page page, Browser browser)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Contains(Refused, page.AlertText);
        Assert.NotNull(page.Reference);
        Assert.Null(page.Response.SetCookie(Browser.SessionCookie));
        Assert.Null(browser.Cookie(Browser.SessionCookie));
    }

    private static string Mangle(string how, string json)
    {
        JsonObject Edit(Action<JsonObject> change)
        {
            var node = JsonNode.Parse(json)!.AsObject();
            change(node);
            return node;
        }
        JsonObject Response(JsonObject o) => o["response"]!.AsObject();
        string B64(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);
        byte[] Bytes(JsonObject o, string name) => System.Buffers.Text.Base64Url.DecodeFromChars(Response(o)[name]!.GetValue<string>());
        JsonObject ClientData(JsonObject o) => JsonNode.Parse(Bytes(o, "clientDataJSON"))!.AsObject();

        return how switch
        {
            "empty" => "",
            "not json" => "{\"id\": ",
            "null" => "null",
            "array" => "[1,2,3]",
            "empty object" => "{}",
            "oversized" => new string('A', 70 * 1024),
            "oversized json" => Edit(o => o["padding"] = new string('x', 70 * 1024)).ToJsonString(),
            "wrong type" => Edit(o => o["type"] = "password").ToJsonString(),
            "no response" => Edit(o => o.Remove("response")).ToJsonString(),
            "signature flipped" => Edit(o =>
            {
                var signature = Bytes(o, "signature");
                signature[^1] ^= 0x01;
                Response(o)["signature"] = B64(signature);
            }).ToJsonString(),
            "signature garbage" => Edit(o => Response(o)["signature"] = B64(new byte[72])).ToJsonString(),
            "signature missing" => Edit(o => Response(o).Remove("signature")).ToJsonString(),
            "authenticator data truncated" => Edit(o => Response(o)["authenticatorData"] = B64(Bytes(o, "authenticatorData")[..20])).ToJsonString(),
            "client data not base64url" => Edit(o => Response(o)["clientDataJSON"] = "!!not base64!!").ToJsonString(),
            "client data not json" => Edit(o => Response(o)["clientDataJSON"] = B64("{{{"u8.ToArray())).ToJsonString(),
            "client data deeply nested" => Edit(o => Response(o)["clientDataJSON"] =
                B64(Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)))).ToJsonString(),
            "id not base64url" => Edit(o => { o["id"] = "***"; o["rawId"] = "***"; }).ToJsonString(),
            "huge id" => Edit(o => { o["id"] = B64(new byte[20_000]); o["rawId"] = o["id"]!.DeepClone(); }).ToJsonString(),
            "unknown credential" => Edit(o => { o["id"] = B64(new byte[32]); o["rawId"] = o["id"]!.DeepClone(); }).ToJsonString(),
            "user handle of nobody" => Edit(o => Response(o)["userHandle"] = B64(Encoding.UTF8.GetBytes(Guid.NewGuid().ToString()))).ToJsonString(),
            "user handle missing" => Edit(o => Response(o).Remove("userHandle")).ToJsonString(),
            "id of another credential" => Edit(o =>
            {
                o["id"] = B64(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
                o["rawId"] = o["id"]!.DeepClone();
            }).ToJsonString(),
            "webauthn.create type" or "webauthn.get type" => Edit(o =>
            {
                var clientData = ClientData(o);
                clientData["type"] = how == "webauthn.create type" ? "webauthn.create" : "webauthn.get";
                Response(o)["clientDataJSON"] = B64(Encoding.UTF8.GetBytes(clientData.ToJsonString()));
            }).ToJsonString(),
            "attestation object garbage" => Edit(o => Response(o)["attestationObject"] = B64([0xa3, 0x63, 0x66, 0x6d, 0x74, 0xff, 0x00])).ToJsonString(),
            _ => throw new ArgumentOutOfRangeException(nameof(how), how),
        };
    }
}
