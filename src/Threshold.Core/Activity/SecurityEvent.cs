using Threshold.Core.Activity.Locations;

namespace Threshold.Core.Activity;

/// <summary>One line of the security log: the login history and the audit trail. Never holds a secret.</summary>
public class SecurityEvent
{
    public const int MaxTextLength = 256;

    public Guid Id { get; set; }
    public DateTimeOffset At { get; set; }
    public SecurityEventKind Kind { get; set; }
    public Guid? AccountId { get; set; }
    /// <summary>The identifier as typed (truncated), so support can see what the person tried.</summary>
    public string? Identifier { get; set; }
    /// <summary>For failures, why; a stable code such as "wrong_password".</summary>
    public string? Reason { get; set; }
    public string? IpAddress { get; set; }
    public string? UserAgent { get; set; }
    /// <summary>A hash of the device cookie's id: which browser it was, without the id itself.</summary>
    public string? DeviceHash { get; set; }
    /// <summary>ISO 3166 country of the address when it happened (from the location database), if known.</summary>
    public string? CountryCode { get; set; }
    /// <summary>City of the address when it happened (English name from the location database), if known.</summary>
    public string? City { get; set; }
    public required string ReferenceCode { get; set; }

    /// <summary>A new event about a request from <paramref name="client"/>; text is truncated to fit.</summary>
    public static SecurityEvent Of(SecurityEventKind kind, DateTimeOffset at, ClientInfo client, string reference,
        Guid? accountId = null, string? identifier = null, string? reason = null) => new()
    {
        Id = Guid.NewGuid(),
        At = at,
        Kind = kind,
        AccountId = accountId,
        Identifier = Truncate(identifier),
        Reason = reason,
        IpAddress = client.IpAddress,
        UserAgent = Truncate(client.UserAgent),
        DeviceHash = client.DeviceHash,
        CountryCode = client.Place?.CountryCode,
        City = Truncate(client.Place?.City),
        ReferenceCode = reference,
    };

    public static string? Truncate(string? text) =>
        text is null ? null : text.Length <= MaxTextLength ? text : text[..MaxTextLength];
}

public enum SecurityEventKind
{
    Registered = 1,
    RegistrationForExistingEmail = 2,
    RegistrationUsernameUnavailable = 3,
    EmailVerified = 4,
    VerificationResent = 5,
    SignInSucceeded = 10,
    SignInFailed = 11,
    SignedOut = 12,
    /// <summary>The password was right; a second factor is asked for next.</summary>
    SecondFactorRequired = 13,
    SecondFactorFailed = 14,
    Reauthenticated = 15,
    ReauthenticationFailed = 16,
    PasswordChanged = 20,
    PasswordRehashed = 21,
    PasswordResetRequested = 22,
    PasswordReset = 23,
    UsernameReminderSent = 30,
    UsernameReminderUnknown = 31,
    UsernameReminderSuppressed = 32,
    FactorEnrolled = 40,
    FactorRemoved = 41,
    BackupCodesGenerated = 42,
    BackupCodeUsed = 43,
    CodeSent = 44,
    /// <summary>A backup email or phone number was added, changed or removed (Reason: the change code).</summary>
    RecoveryInfoChanged = 45,
    /// <summary>The owner said a sign-in or change was not them; the account was secured.</summary>
    NotMeReported = 50,
    /// <summary>The owner ended one of their sessions from the sessions page.</summary>
    SessionEnded = 51,
    /// <summary>The owner ended every session but the one they used.</summary>
    OtherSessionsEnded = 52,
    DataExported = 60,
    AccountDeleted = 61,
    /// <summary>Someone asked "Can't sign in?" (Identifier: the request number; AccountId only when the contact matched).</summary>
    SupportRequestOpened = 70,
    /// <summary>A support agent sent an identity-check code to one of the account's verified contacts.</summary>
    SupportCheckSent = 71,
    SupportCheckPassed = 72,
    SupportCheckFailed = 73,
    /// <summary>A support agent cleared the account's sign-in throttles.</summary>
    SupportUnlocked = 74,
    SupportResetLinkSent = 75,
    SupportSessionsEnded = 76,
    /// <summary>A support agent asked for a two-step reset; it waits for the delay unless the owner cancels.</summary>
    TwoFactorResetScheduled = 77,
    TwoFactorResetCancelled = 78,
    TwoFactorResetCompleted = 79,
}

/// <summary>Where a request came from; what the event log records about the client.</summary>
public sealed record ClientInfo(string? IpAddress, string? UserAgent)
{
    public static readonly ClientInfo Unknown = new(null, null);

    /// <summary>A hash of the device cookie's id, when the browser sent a valid one.</summary>
    public string? DeviceHash { get; init; }
    /// <summary>Where the address is, when the location database knows.</summary>
    public GeoPlace? Place { get; init; }
}

public interface ISecurityEventLog
{
    Task RecordAsync(SecurityEvent securityEvent, CancellationToken ct = default);
    Task<IReadOnlyList<SecurityEvent>> ForAccountAsync(Guid accountId, int take, CancellationToken ct = default);
    Task<SecurityEvent?> FindByReferenceAsync(string referenceCode, CancellationToken ct = default);
    Task<int> CountAsync(Guid accountId, SecurityEventKind kind, DateTimeOffset since, CancellationToken ct = default);

    /// <summary>The account's events of these kinds, newest first, skipping <paramref name="skip"/>.</summary>
    Task<IReadOnlyList<SecurityEvent>> PageAsync(Guid accountId, IReadOnlyCollection<SecurityEventKind> kinds, int skip, int take, CancellationToken ct = default);
    Task<int> CountAsync(Guid accountId, IReadOnlyCollection<SecurityEventKind> kinds, CancellationToken ct = default);

    /// <summary>The device hashes and countries of the account's successful sign-ins, each with the time it was first seen.</summary>
    Task<SignInFirsts> FirstSeenAsync(Guid accountId, CancellationToken ct = default);
}

/// <summary>When each device and each country first signed in to an account: what makes a sign-in "new".</summary>
public sealed record SignInFirsts(IReadOnlyDictionary<string, DateTimeOffset> Devices, IReadOnlyDictionary<string, DateTimeOffset> Countries)
{
    public static readonly SignInFirsts None = new(new Dictionary<string, DateTimeOffset>(), new Dictionary<string, DateTimeOffset>());
    public bool Any => Devices.Count > 0 || Countries.Count > 0;
}
