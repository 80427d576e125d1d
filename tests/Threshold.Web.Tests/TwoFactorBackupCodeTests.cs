using static Threshold.Web.Tests.Infrastructure.TwoFactorPages;

namespace Threshold.Web.Tests;

/// <summary>
/// Backup codes: "I don't have my phone" leads to them, each works once, the security page counts
/// them and warns at three or fewer, and new ones (after re-authentication) replace the old set.
/// </summary>
public sealed class TwoFactorBackupCodeTests
{
    private static async Task<Page> BackupCodeStepAsync(Browser browser, TestUser user)
    {
        (await browser.SignInAsync(user.Username, user.Password)).AssertRedirectsTo(SecondStepToAccount);
        var step = await browser.SecondStepAsync();
        var link = step.Link("I don't have my phone");
        Assert.NotNull(link);
        var page = await browser.GetAsync(link.Href());
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.True(page.HasControl(BackupCodeLabel));
        return page;
    }

    [Fact]
    public async Task A_backup_code_signs_in_once()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        await browser.SignOutFromAsync("/account");
        var code = totp.BackupCodes[0];

        // Case and dashes do not matter.
        (await (await BackupCodeStepAsync(browser, user)).EnterCodeAsync(code.ToUpperInvariant().Replace("-", " "))).AssertRedirectsTo("/account");
        Assert.True(await browser.IsSignedInAsync());
        Assert.Contains(await app.SecurityChangedToAsync(user.Email), m => m.TextBody.Contains("A backup code was used to sign in.", StringComparison.Ordinal));

        await browser.SignOutFromAsync("/account");
        var again = await (await BackupCodeStepAsync(browser, user)).EnterCodeAndLoadAsync(code);
        Assert.Equal(HttpStatusCode.Unauthorized, again.Status);
        Assert.Equal("That backup code is not right or was already used.", again.FieldError(BackupCodeLabel));
        Assert.False(await browser.IsSignedInAsync());

        // Something that cannot be a backup code is told apart from a wrong one.
        var malformed = await again.EnterCodeAndLoadAsync("123456");
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
        Assert.Contains("ten letters and digits", malformed.FieldError(BackupCodeLabel));

        (await malformed.EnterCodeAsync(totp.BackupCodes[1])).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task The_security_page_counts_the_codes_left_and_warns_at_three()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;
        const string warning = "You are running out of backup codes. Get new ones so you are not locked out.";
        Assert.DoesNotContain(warning, (await browser.GetAsync("/account/security")).MainText);

        for (var used = 1; used <= 7; used++)
        {
            await browser.SignOutFromAsync("/account");
            (await (await BackupCodeStepAsync(browser, user)).EnterCodeAsync(totp.BackupCodes[used - 1])).AssertRedirectsTo("/account");
            var security = await browser.GetAsync("/account/security");
            Assert.Contains($"You have {10 - used} unused backup codes.", security.MainText);
            if (10 - used > 3) Assert.DoesNotContain(warning, security.MainText);
            else Assert.Contains(warning, security.MainText);
        }
    }

    [Fact]
    public async Task New_backup_codes_after_re_authentication_replace_the_old_ones_and_download_as_text()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        using var _ = browser;

        // Long after sign-in, the page asks to confirm it's you: password, then the app's code.
        clock.Advance(TimeSpan.FromMinutes(11));
        var asked = await browser.Http.GetAsync("/account/security/backup-codes", Ct);
        asked.AssertRedirectsTo("/account/reauthenticate?returnUrl=%2Faccount%2Fsecurity%2Fbackup-codes");
        var password = await browser.ReauthenticateAsync(asked.RedirectTarget(), user.Password);
        password.AssertRedirectsTo("/signin/two-factor?returnUrl=%2Faccount%2Fsecurity%2Fbackup-codes");
        var step = await browser.FollowAsync(password);
        Assert.Contains("confirm it's you", step.MainText);
        Assert.False(step.HasControl(RememberLabel));
        (await step.EnterCodeAsync(clock.NextCode(totp.Key))).AssertRedirectsTo("/account/security/backup-codes");

        var manage = await browser.GetAsync("/account/security/backup-codes");
        Assert.Equal(HttpStatusCode.OK, manage.Status);
        Assert.Contains("You have 10 unused backup codes.", manage.MainText);
        var renewed = await manage.Form("Get new backup codes").SubmitAndLoadAsync();
        Assert.Equal(HttpStatusCode.OK, renewed.Status);
        var codes = BackupCodesOn(renewed);
        Assert.Equal(10, codes.Count);
        Assert.Empty(codes.Intersect(totp.BackupCodes));

        var download = await renewed.Form("Download as a text file").SubmitAsync();
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/plain", download.Content.Headers.ContentType?.MediaType);
        Assert.Equal("backup-codes.txt", download.Content.Headers.ContentDisposition?.FileNameStar ?? download.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var text = await download.Content.ReadAsStringAsync(Ct);
        var inFile = text.Split('\n').Select(l => l.Trim()).Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, "^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{2}$")).ToList();
        Assert.Equal(codes, inFile);
        Assert.Contains(user.Username, text);

        await browser.SignOutFromAsync("/account");
        var old = await (await BackupCodeStepAsync(browser, user)).EnterCodeAndLoadAsync(totp.BackupCodes[0]);
        Assert.Equal(HttpStatusCode.Unauthorized, old.Status);
        (await old.EnterCodeAsync(codes[0])).AssertRedirectsTo("/account");
    }

    [Fact]
    public async Task A_forged_download_is_refused()
    {
        var clock = NewClock();
        await using var app = RecoveryPages.NewApp(clock);
        var (browser, _, _) = await app.UserWithTotpAsync(clock);
        using var _b = browser;
        var token = (await browser.GetAsync("/account/security/backup-codes")).AntiforgeryToken();
        var forged = await browser.PostFormAsync("/account/security/backup-codes?handler=Download",
            [new("__RequestVerificationToken", token), new("Sealed", "[\"aaaa-aaaa-aa\"]")]);
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.DoesNotContain("aaaa-aaaa-aa", await forged.Content.ReadAsStringAsync(Ct));
    }
}
