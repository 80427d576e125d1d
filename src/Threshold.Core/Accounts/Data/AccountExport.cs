using Threshold.Core.Activity;
using Threshold.Core.Support;

namespace Threshold.Core.Accounts.Data;

/// <summary>
/// "Download your data": what we keep about a person, in a form they can read and take elsewhere.
/// Built only from these records, so nothing secret can slip in by adding a column somewhere:
/// no password hash, security stamp, factor key, code, token or hash of one ever has a field here.
/// </summary>
public sealed record AccountExport(
    string Format,
    string Service,
    DateTimeOffset ExportedAt,
    string Reference,
    ExportProfile Profile,
    IReadOnlyList<ExportIdentifier> Identifiers,
    ExportTwoStep TwoStepSignIn,
    IReadOnlyList<ExportSession> Sessions,
    IReadOnlyList<ExportEvent> SecurityEvents,
    bool SecurityEventsComplete,
    IReadOnlyList<ExportSupportRequest> SupportRequests)
{
    /// <summary>Names this layout; a later change of shape gets a new number.</summary>
    public const string CurrentFormat = "threshold-account-export/1";
}

/// <param name="HasPassword">Whether a password is set (never the password or its hash).</param>
/// <param name="NewPasswordRequired">Set by "This wasn't me": the next sign-in needs a new password.</param>
public sealed record ExportProfile(
    string Username,
    string Email,
    bool EmailVerified,
    DateTimeOffset? EmailVerifiedAt,
    DateTimeOffset CreatedAt,
    bool HasPassword,
    DateTimeOffset? PasswordChangedAt,
    bool NewPasswordRequired);

/// <param name="Kind">"email", "username", "recovery-email" or "phone".</param>
public sealed record ExportIdentifier(string Kind, string Value, bool Verified);

/// <param name="Methods">The enrolled ways to prove a sign-in after the password ("security-key", "totp", "sms", "email").</param>
/// <param name="BackupCodesLeft">How many unused backup codes there are; the codes themselves are kept only as hashes.</param>
public sealed record ExportTwoStep(
    bool On,
    IReadOnlyList<string> Methods,
    string? Default,
    DateTimeOffset? AuthenticatorAppAddedAt,
    IReadOnlyList<ExportPasskey> Passkeys,
    int BackupCodesLeft,
    bool SecurityAlertsBySms);

public sealed record ExportPasskey(string Name, DateTimeOffset AddedAt);

/// <param name="ThisDevice">The session the export was downloaded in.</param>
public sealed record ExportSession(
    DateTimeOffset StartedAt,
    DateTimeOffset LastActiveAt,
    DateTimeOffset EndsAt,
    bool KeepSignedIn,
    string? IpAddress,
    string? UserAgent,
    bool ThisDevice);

/// <param name="Reason">For failures, why ("wrong_password").</param>
/// <param name="CountryCode">ISO 3166 country of the address, when the location database knew it.</param>
/// <param name="LocalNetwork">The address was a loopback or private one.</param>
public sealed record ExportEvent(
    DateTimeOffset At,
    SecurityEventKind Kind,
    string? Reason,
    string? IpAddress,
    string? UserAgent,
    string? CountryCode,
    string? City,
    bool LocalNetwork,
    string Reference);

/// <summary>Only what the owner needs to recognise a request; what a requester typed may not be theirs to read.</summary>
public sealed record ExportSupportRequest(string Number, SupportRequestKind Kind, DateTimeOffset CreatedAt, SupportRequestStatus Status);
