using System.Text;

namespace Threshold.Web.Tests;

/// <summary>Bad input never causes a 500 and never leaves a half-created account.</summary>
public sealed class BadInputTests(ThresholdFactory app) : IClassFixture<ThresholdFactory>
{
    public enum Bad { Missing, Empty, Huge, Nul, Bell, RightToLeftOverride, LoneSurrogate, ReplacementCharacter }

    private static string? Value(Bad bad, string valid) => bad switch
    {
        Bad.Missing => null,
        Bad.Empty => "",
        Bad.Huge => new string('a', 100 * 1024),
        Bad.Nul => valid.Insert(3, "\0"),
        Bad.Bell => valid.Insert(3, "\a"),
        Bad.RightToLeftOverride => valid.Insert(3, "\u202E"),
        Bad.LoneSurrogate => valid.Insert(3, "\uD800"),
        _ => valid.Insert(3, "\uFFFD"),
    };

    /// <summary>Each registration field with each bad value (a right-to-left mark is a legal password character).</summary>
    public static TheoryData<string, Bad> RegistrationCases()
    {
        var data = new TheoryData<string, Bad>();
        foreach (var label in new[] { "Email", "Username", "Password" })
            foreach (var bad in Enum.GetValues<Bad>())
                if (!(label == "Password" && bad == Bad.RightToLeftOverride))
                    data.Add(label, bad);
        return data;
    }

    public static TheoryData<string, Bad> SignInCases()
    {
        var data = new TheoryData<string, Bad>();
        foreach (var field in new[] { "Input.Identifier", "Input.Password", "returnUrl" })
            foreach (var bad in Enum.GetValues<Bad>())
                data.Add(field, bad);
        return data;
    }

    private static void AssertNoFault(HttpResponseMessage response, string body)
    {
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {body[..Math.Min(body.Length, 500)]}");
        Assert.DoesNotContain("   at ", body);
    }

    private async Task AssertNothingCreatedAsync(int accountsBefore, int outboxBefore)
    {
        Assert.Equal(accountsBefore, await app.AccountCountAsync());
        Assert.Equal(outboxBefore, await app.OutboxCountAsync());
    }

    [Theory, MemberData(nameof(RegistrationCases))]
    public async Task Registration_refuses_a_bad_value_in_any_field(string label, Bad bad)
    {
        var user = TestUser.New();
        var (accounts, outbox) = (await app.AccountCountAsync(), await app.OutboxCountAsync());
        using var browser = new Browser(app);
        var form = await browser.RegisterFormAsync(user);
        var valid = label switch { "Email" => user.Email, "Username" => user.Username, _ => user.Password };
        form.Set(form.NameOf(label), Value(bad, valid));

        var page = await form.SubmitAndLoadAsync();

        AssertNoFault(page.Response, page.Html);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        // ASP.NET Core's form reader refuses a NUL outright (the generic 400 page); anything else is a field error.
        if (bad != Bad.Nul) Assert.Equal("true", page.Control(label).GetAttribute("aria-invalid"));
        Assert.Null(browser.Cookie(Browser.RegistrationCookie));
        await AssertNothingCreatedAsync(accounts, outbox);
    }

    [Theory]
    [InlineData(Bad.Missing)]
    [InlineData(Bad.Empty)]
    [InlineData(Bad.Huge)]
    public async Task Registration_with_every_field_bad_is_refused(Bad bad)
    {
        var user = TestUser.New();
        var (accounts, outbox) = (await app.AccountCountAsync(), await app.OutboxCountAsync());
        using var browser = new Browser(app);
        var form = await browser.RegisterFormAsync(user);
        foreach (var label in new[] { "Email", "Username", "Password" })
            form.Set(form.NameOf(label), Value(bad, "valid-value"));
        var page = await form.SubmitAndLoadAsync();

        AssertNoFault(page.Response, page.Html);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.Single(page.Document.QuerySelectorAll("[role=alert]"));
        await AssertNothingCreatedAsync(accounts, outbox);
    }

    [Theory, MemberData(nameof(SignInCases))]
    public async Task Sign_in_with_a_bad_value_in_any_field_fails_cleanly(string field, Bad bad)
    {
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var form = await browser.SignInFormAsync(user.Username, user.Password);
        var valid = field switch { "Input.Identifier" => user.Username, "Input.Password" => user.Password, _ => "/account" };
        form.Set(field, Value(bad, valid));

        var page = await form.SubmitAndLoadAsync();

        AssertNoFault(page.Response, page.Html);
        if (field == "returnUrl" && bad != Bad.Nul)
        {
            // The credentials were right: signed in, and the redirect stays on this site.
            var target = page.Response.RedirectTarget();
            Assert.True(target.StartsWith('/') && !target.StartsWith("//") && !target.StartsWith("/\\"), target);
            return;
        }
        Assert.True(page.Status is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized, $"{(int)page.Status}");
        Assert.NotNull(page.Reference);
        Assert.Null(browser.Cookie(Browser.SessionCookie));
    }

    [Theory]
    [InlineData("")]
    [InlineData("%00%01")]
    [InlineData("%FF%FE%FD")]
    public async Task A_verification_token_that_is_garbage_is_refused(string token)
    {
        using var browser = new Browser(app);
        var huge = await browser.Http.GetAsync("/verify-email?token=" + token + new string('A', token.Length == 0 ? 0 : 50_000), Ct);
        var body = await huge.Content.ReadAsStringAsync(Ct);
        AssertNoFault(huge, body);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
    }

    public static TheoryData<string, string> InvalidUtf8Cases => new()
    {
        { "Input.Email", "raw" }, { "Input.Username", "raw" }, { "Input.Password", "raw" },
        { "Input.Email", "percent" }, { "Input.Username", "percent" }, { "Input.Password", "percent" },
    };

    [Theory, MemberData(nameof(InvalidUtf8Cases))]
    public async Task Invalid_UTF8_in_a_registration_field_is_refused(string field, string encoding)
    {
        var user = TestUser.New();
        var (accounts, outbox) = (await app.AccountCountAsync(), await app.OutboxCountAsync());
        using var browser = new Browser(app);
        var form = await browser.RegisterFormAsync(user);

        var body = new MemoryStream();
        foreach (var (name, value) in form.Fields)
        {
            if (body.Length > 0) body.WriteByte((byte)'&');
            body.Write(Encoding.ASCII.GetBytes(Uri.EscapeDataString(name) + "="));
            var encoded = Encoding.ASCII.GetBytes(Uri.EscapeDataString(value));
            if (name != field) { body.Write(encoded); continue; }
            body.Write(encoded.AsSpan(0, 3));
            body.Write(encoding == "raw" ? [0xC3, 0x28, 0xFF, 0xFE, 0x80] : "%C3%28%FF%FE%80"u8.ToArray());
            body.Write(encoded.AsSpan(3));
        }
        var response = await browser.PostBytesAsync(form.Action.ToString(), body.ToArray());
        var html = await response.Content.ReadAsStringAsync(Ct);

        AssertNoFault(response, html);
        if (encoding == "percent" && field == "Input.Password" && response.StatusCode == HttpStatusCode.Found)
        {
            // Percent escapes that are not UTF-8 stay as typed ("%FF" is three ordinary characters): a valid password.
            Assert.Equal(accounts + 1, await app.AccountCountAsync());
            await app.MessageToAsync(user.Email, "welcome");
            return;
        }
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await AssertNothingCreatedAsync(accounts, outbox);
    }

    [Fact]
    public async Task Invalid_UTF8_in_sign_in_fails_cleanly()
    {
        var user = await app.RegisteredUserAsync();
        using var browser = new Browser(app);
        var token = await browser.AntiforgeryTokenAsync("/signin");
        var body = Encoding.ASCII.GetBytes($"__RequestVerificationToken={Uri.EscapeDataString(token)}&Input.Identifier={user.Username}&Input.Password=")
            .Concat(new byte[] { 0xFF, 0xC0, 0xAF, 0xED, 0xA0, 0x80 }).ToArray();
        var response = await browser.PostBytesAsync("/signin", body);
        AssertNoFault(response, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Null(browser.Cookie(Browser.SessionCookie));
    }

    [Fact]
    public async Task Registration_without_an_antiforgery_token_is_400_with_a_reference_and_creates_nothing()
    {
        var user = TestUser.New();
        var (accounts, outbox) = (await app.AccountCountAsync(), await app.OutboxCountAsync());
        using var browser = new Browser(app);
        var form = (await browser.RegisterFormAsync(user)).Set("__RequestVerificationToken", null);
        var page = await form.SubmitAndLoadAsync();

        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        await AssertNothingCreatedAsync(accounts, outbox);

        var forged = await (await browser.RegisterFormAsync(user)).Set("__RequestVerificationToken", "forged").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, forged.Status);
        Assert.NotNull(forged.Reference);
        await AssertNothingCreatedAsync(accounts, outbox);
    }

    [Fact]
    public async Task A_script_posting_without_cookies_or_token_gets_400_not_500()
    {
        var user = TestUser.New();
        var (accounts, outbox) = (await app.AccountCountAsync(), await app.OutboxCountAsync());
        using var client = Browser.Bare(app);
        var response = await client.PostAsync("/register", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Input.Email"] = user.Email, ["Input.Username"] = user.Username, ["Input.Password"] = user.Password,
        }), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);
        AssertNoFault(response, html);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Matches(Page.ReferencePattern(), html);
        await AssertNothingCreatedAsync(accounts, outbox);
    }

    [Fact]
    public async Task Sign_in_sign_out_and_verify_without_an_antiforgery_token_change_nothing()
    {
        var user = TestUser.New();
        using var browser = new Browser(app);
        var link = await browser.RegisterAndGetLinkAsync(app, user);

        var signIn = await (await browser.SignInFormAsync(user.Username, user.Password)).Set("__RequestVerificationToken", null).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, signIn.Status);
        Assert.NotNull(signIn.Reference);
        Assert.Null(browser.Cookie(Browser.SessionCookie));

        var verify = await (await browser.GetAsync(Site.PathOf(link))).Form("Confirm email address")
            .Set("__RequestVerificationToken", null).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, verify.Status);
        Assert.NotNull(verify.Reference);
        Assert.False((await app.AccountAsync(user.Email))!.EmailConfirmed);

        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        var signOut = await (await browser.GetAsync("/account")).Form("Sign out").Set("__RequestVerificationToken", null).SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.BadRequest, signOut.Status);
        Assert.NotNull(signOut.Reference);
        Assert.Equal(HttpStatusCode.OK, (await browser.Http.GetAsync("/account", Ct)).StatusCode);
    }

    [Fact]
    public async Task A_double_submitted_registration_creates_one_account()
    {
        var user = TestUser.New();
        var accounts = await app.AccountCountAsync();
        using var browser = new Browser(app);
        var form = await browser.RegisterFormAsync(user);

        (await form.SubmitAsync()).AssertRedirectsTo("/register/check-email");
        (await form.SubmitAsync()).AssertRedirectsTo("/register/check-email");

        Assert.Equal(accounts + 1, await app.AccountCountAsync());
        await app.MessageToAsync(user.Email, "welcome");
    }

    [Fact]
    public async Task Two_simultaneous_identical_registrations_create_one_account()
    {
        var user = TestUser.New();
        var accounts = await app.AccountCountAsync();
        using var browser = new Browser(app);
        var form = await browser.RegisterFormAsync(user);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => form.SubmitAsync()));

        Assert.All(responses, r => r.AssertRedirectsTo("/register/check-email"));
        Assert.Equal(accounts + 1, await app.AccountCountAsync());
        await app.MessageToAsync(user.Email, "welcome");
    }

    [Fact]
    public async Task Too_many_fields_or_a_huge_field_name_is_a_client_error()
    {
        var (accounts, outbox) = (await app.AccountCountAsync(), await app.OutboxCountAsync());
        using var browser = new Browser(app);
        var token = await browser.AntiforgeryTokenAsync();

        var many = Enumerable.Range(0, 5000).Select(i => new KeyValuePair<string, string>("f" + i, "x"))
            .Prepend(new("__RequestVerificationToken", token));
        var tooMany = await browser.PostFormAsync("/register", many);
        AssertNoFault(tooMany, await tooMany.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);

        var longName = await browser.PostFormAsync("/register", [new("__RequestVerificationToken", token), new(new string('k', 10_000), "v")]);
        AssertNoFault(longName, await longName.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, longName.StatusCode);
        await AssertNothingCreatedAsync(accounts, outbox);
    }

    [Fact]
    public async Task A_JSON_or_multipart_body_is_a_client_error()
    {
        var user = TestUser.New();
        var (accounts, outbox) = (await app.AccountCountAsync(), await app.OutboxCountAsync());
        using var browser = new Browser(app);
        await browser.AntiforgeryTokenAsync();

        var json = await browser.PostBytesAsync("/register",
            Encoding.UTF8.GetBytes($$"""{"Input.Email":"{{user.Email}}","Input.Username":"{{user.Username}}","Input.Password":"{{user.Password}}"}"""),
            "application/json");
        AssertNoFault(json, await json.Content.ReadAsStringAsync(Ct));
        Assert.True((int)json.StatusCode is 400 or 415, $"{(int)json.StatusCode}");

        var broken = await browser.PostBytesAsync("/register", "--x\r\nnot a multipart body"u8.ToArray(), "multipart/form-data; boundary=x");
        AssertNoFault(broken, await broken.Content.ReadAsStringAsync(Ct));
        Assert.Equal(HttpStatusCode.BadRequest, broken.StatusCode);
        await AssertNothingCreatedAsync(accounts, outbox);
    }
}
