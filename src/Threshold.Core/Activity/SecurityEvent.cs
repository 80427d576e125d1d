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
}

/// <summary>Where a request came from; what the event log records about the client.</summary>
public sealed record ClientInfo(string? IpAddress, string? UserAgent)
{
    public static readonly ClientInfo Unknown = new(null, null);
}

public interface ISecurityEventLog
{
    Task RecordAsync(SecurityEvent securityEvent, CancellationToken ct = default);
    Task<IReadOnlyList<SecurityEvent>> ForAccountAsync(Guid accountId, int take, CancellationToken ct = default);
    Task<SecurityEvent?> FindByReferenceAsync(string referenceCode, CancellationToken ct = default);
    Task<int> CountAsync(Guid accountId, SecurityEventKind kind, DateTimeOffset since, CancellationToken ct = default);
}
