using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Threshold.Core.Activity;
using Threshold.Core.Activity.NotMe;
using Threshold.Core.Messaging;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>
/// "This wasn't me": from the login history (signed in, <c>?reference=CODE</c> of the account's own
/// entry) or from a security email (signed out, <c>?t=TOKEN</c>; the sealed token is the proof).
/// GET only shows what is reported; the button (POST) secures the account, once.
/// The /Account folder needs a sign-in; this page checks for itself, so the email link works signed out.
/// </summary>
[AllowAnonymous]
public sealed class NotMeModel(NotMeReport report, IStringLocalizer<SharedResource> text) : FormPage(text)
{
    /// <summary>The token from a notice's link.</summary>
    [BindProperty(SupportsGet = true, Name = "t")] public string? Token { get; set; }
    /// <summary>The reference code of an entry of the signed-in account's history.</summary>
    [BindProperty(SupportsGet = true, Name = "reference")] public string? EventReference { get; set; }

    public NotMeSubject Subject { get; private set; } = null!;
    public NotMeResult? Result { get; private set; }
    public NotMeStatus Status => Result?.Status ?? Subject.Status;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is not { } subject) return Challenge();
        Subject = subject;
        return Answer();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await LoadAsync(ct) is not { } subject) return Challenge();
        Subject = subject;
        if (subject.Status != NotMeStatus.Ready) return Answer();
        Result = await report.SecureAsync(subject, HttpContext.Client(), ct);
        if (Result.Status == NotMeStatus.Secured && User.AccountId() == subject.Account!.Id)
        {
            // This browser's session of the secured account is gone from the store already; the cookie
            // goes too, and the page renders signed out. (Another account signed in here is not affected.)
            await HttpContext.SignOutAsync(SessionCookie.Scheme);
            HttpContext.User = new ClaimsPrincipal(new ClaimsIdentity());
        }
        return Answer();
    }

    /// <summary>Null when a history entry is asked for without a sign-in: signing in comes first.</summary>
    private async Task<NotMeSubject?> LoadAsync(CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(Token)) return await report.FromLinkAsync(Token, ct);
        if (User.AccountId() is not { } accountId) return string.IsNullOrEmpty(EventReference) ? await report.FromLinkAsync(null, ct) : null;
        return await report.FromHistoryAsync(accountId, EventReference, ct);
    }

    private PageResult Answer()
    {
        Reference = Result?.ReferenceCode ?? Subject.ReferenceCode;
        Response.StatusCode = Status switch
        {
            NotMeStatus.NotFound or NotMeStatus.LinkInvalid => StatusCodes.Status400BadRequest,
            NotMeStatus.LinkExpired => StatusCodes.Status410Gone,
            _ => StatusCodes.Status200OK,
        };
        return Page();
    }

    /// <summary>The support request of this report, or of the earlier one.</summary>
    public string? SupportNumber => (Result?.Report ?? Subject.Report)?.Number;

    public SecurityEvent? Entry => Subject.Event;

    public string What(SecurityEvent entry) => entry switch
    {
        { Kind: SecurityEventKind.SignInSucceeded } => Text["A sign-in to your account"],
        { Kind: SecurityEventKind.SignInFailed, Reason: "owner_notified" } => Text["Repeated failed attempts to sign in to your account"],
        { Kind: SecurityEventKind.SignInFailed or SecurityEventKind.SecondFactorFailed } => Text["A failed attempt to sign in to your account"],
        { Kind: SecurityEventKind.SecondFactorRequired } => Text["A sign-in with your password"],
        { Kind: SecurityEventKind.PasswordChanged } => Text["A change of your password"],
        { Kind: SecurityEventKind.PasswordReset or SecurityEventKind.PasswordResetRequested } => Text["A password reset"],
        { Kind: SecurityEventKind.FactorEnrolled or SecurityEventKind.FactorRemoved or SecurityEventKind.BackupCodesGenerated
            or SecurityEventKind.BackupCodeUsed } => Text["A change to your two-step sign-in"],
        { Kind: SecurityEventKind.RecoveryInfoChanged } => Text["A change to your recovery email or phone"],
        _ => Text["Activity on your account"],
    };

    public static string WhenUtc(SecurityEvent entry) => entry.At.UtcDateTime.ToString("d MMMM yyyy, HH:mm", CultureInfo.CurrentCulture) + " UTC";

    /// <summary>"Lisbon, Portugal", "Portugal", "Local network" or "Unknown location", as the login history says it.</summary>
    public string Place(SecurityEvent entry) =>
        ActivityText.Place(entry.CountryCode is null ? null : new Core.Activity.Locations.GeoPlace(entry.CountryCode, entry.City), Text);

    /// <summary>"Chrome on Windows" or "Unknown device", as the login history says it.</summary>
    public string Device(SecurityEvent entry) => ActivityText.Device(Core.Sessions.DeviceNames.Read(entry.UserAgent), Text);
}
