using Threshold.Core.Activity.Locations;
using Threshold.Core.Sessions;

namespace Threshold.Core.Activity;

/// <summary>How a sign-in attempt on the account ended, as the owner reads it.</summary>
public enum AttemptResult
{
    SignedIn,
    WrongPassword,
    /// <summary>A second-step code (or security key) was not accepted.</summary>
    WrongCode,
    /// <summary>Attempts were paused, stopped or challenged by the throttles.</summary>
    Blocked,
    PasswordReset,
    /// <summary>The owner said an earlier entry was not them.</summary>
    ReportedNotMe,
    /// <summary>Not accepted, for a reason none of the above names.</summary>
    Failed,
}

/// <summary>One part of how the person proved who they were (a password, then an authenticator app …).</summary>
public enum SignInMethod
{
    Password,
    Passkey,
    AuthenticatorApp,
    TextMessage,
    EmailCode,
    BackupCode,
    SecurityKey,
    /// <summary>"Remember this device" skipped the second step.</summary>
    RememberedDevice,
    /// <summary>A password reset through an emailed link.</summary>
    EmailLink,
}

/// <param name="Place">Where the address was when it happened (null when unknown; <see cref="GeoPlace.LocalNetwork"/> for local addresses).</param>
/// <param name="NewDevice">A sign-in from a browser that had not signed in to this account before (and the account had signed in elsewhere).</param>
/// <param name="NewCountry">A sign-in from a country the account had not signed in from before (and it had signed in elsewhere).</param>
public sealed record LoginHistoryEntry(
    DateTimeOffset At,
    AttemptResult Result,
    IReadOnlyList<SignInMethod> Methods,
    DeviceName Device,
    string? IpAddress,
    GeoPlace? Place,
    string ReferenceCode,
    bool NewDevice,
    bool NewCountry);

/// <param name="Number">1 for the newest entries.</param>
/// <param name="Total">Entries over all pages.</param>
public sealed record LoginHistoryPage(IReadOnlyList<LoginHistoryEntry> Entries, int Number, int Total)
{
    public int PageCount => Math.Max(1, (int)((Total + (long)LoginHistory.PageSize - 1) / LoginHistory.PageSize));
    public bool HasNewer => Number > 1;
    public bool HasOlder => Number < PageCount;
    /// <summary>Asked for a page after the last one: nothing on it, though the account has history.</summary>
    public bool BeyondTheEnd => Number > PageCount;
}

/// <summary>
/// The login history: every attempt to sign in to an account, newest first, in pages of
/// <see cref="PageSize"/>, each read into words the owner understands (what happened, how,
/// from which browser, where). Read from the security event log; nothing is stored twice.
/// </summary>
public sealed class LoginHistory(ISecurityEventLog events)
{
    public const int PageSize = 20;

    /// <summary>
    /// The kinds that are attempts on the account. The password step of a two-step sign-in
    /// (SecondFactorRequired) is not listed on its own: the success or the wrong code that follows is.
    /// Re-authentication inside a session is not a sign-in either.
    /// </summary>
    public static readonly IReadOnlyCollection<SecurityEventKind> Kinds =
    [
        SecurityEventKind.SignInSucceeded,
        SecurityEventKind.SignInFailed,
        SecurityEventKind.SecondFactorFailed,
        SecurityEventKind.PasswordReset,
        SecurityEventKind.NotMeReported,
    ];

    /// <param name="number">1 or more; a page after the last one comes back empty, with the total.</param>
    public async Task<LoginHistoryPage> PageAsync(Guid accountId, int number, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(number, 1);
        var total = await events.CountAsync(accountId, Kinds, ct);
        var skip = (long)(number - 1) * PageSize;
        if (skip >= total) return new([], number, total);
        var page = await events.PageAsync(accountId, Kinds, (int)skip, PageSize, ct);
        var firsts = await events.FirstSeenAsync(accountId, ct);
        return new(page.Select(e => Read(e, firsts)).ToList(), number, total);
    }

    /// <summary>One event in words; <paramref name="firsts"/> decides whether a success is new.</summary>
    public static LoginHistoryEntry Read(SecurityEvent e, SignInFirsts firsts)
    {
        var (result, methods) = Describe(e.Kind, e.Reason);
        var place = e.CountryCode is null && e.City is null ? null : new GeoPlace(e.CountryCode, e.City);
        var success = e.Kind == SecurityEventKind.SignInSucceeded;
        return new(e.At, result, methods, DeviceNames.Read(e.UserAgent), e.IpAddress, place, e.ReferenceCode,
            NewDevice: success && IsNewDevice(e, firsts),
            NewCountry: success && IsNewCountry(e, firsts));
    }

    /// <summary>
    /// The first success from this browser, after successes from others. A success without a
    /// device cookie is from a browser we cannot recognise, so it counts as new too.
    /// </summary>
    private static bool IsNewDevice(SecurityEvent e, SignInFirsts firsts)
    {
        var signedInBefore = firsts.Devices.Values.Concat(firsts.Countries.Values).Any(first => first < e.At);
        if (!signedInBefore) return false;
        return e.DeviceHash is null || !firsts.Devices.TryGetValue(e.DeviceHash, out var first) || first >= e.At;
    }

    /// <summary>
    /// The first success from this country, after successes from another (a local network counts
    /// as another place). A local network is never itself a new country, and nor is an unknown one.
    /// </summary>
    private static bool IsNewCountry(SecurityEvent e, SignInFirsts firsts)
    {
        if (e.CountryCode is null || e.CountryCode == GeoPlace.LocalNetwork.CountryCode) return false;
        if (firsts.Countries.TryGetValue(e.CountryCode, out var first) && first < e.At) return false;
        return firsts.Countries.Any(c => c.Key != e.CountryCode && c.Value < e.At);
    }

    /// <summary>
    /// The event's kind and reason in words. Reasons are what the flows record: "password",
    /// "password+totp", "password+remembered_device", "passkey", "accepted_caps_lock" for
    /// successes; "wrong_password", "caps_lock", "old_password" … for wrong passwords;
    /// "owner_notified", "throttled", "challenge_…" for blocked attempts; the factor's code for a
    /// wrong second step; the channel ("email", "sms") for a reset.
    /// </summary>
    public static (AttemptResult Result, IReadOnlyList<SignInMethod> Methods) Describe(SecurityEventKind kind, string? reason) => kind switch
    {
        SecurityEventKind.SignInSucceeded => (AttemptResult.SignedIn, Methods(reason)),
        SecurityEventKind.SignInFailed => Failure(reason),
        SecurityEventKind.SecondFactorFailed => (reason == "security-key" ? AttemptResult.Failed : AttemptResult.WrongCode,
            [SignInMethod.Password, .. Factor(reason) is { } factor ? [factor] : Array.Empty<SignInMethod>()]),
        SecurityEventKind.PasswordReset => (AttemptResult.PasswordReset, [reason == "sms" ? SignInMethod.TextMessage : SignInMethod.EmailLink]),
        SecurityEventKind.NotMeReported => (AttemptResult.ReportedNotMe, []),
        _ => (AttemptResult.Failed, []),
    };

    private static (AttemptResult, IReadOnlyList<SignInMethod>) Failure(string? reason) => reason switch
    {
        "passkey" => (AttemptResult.Failed, [SignInMethod.Passkey]),
        "owner_notified" or "throttled" or "busy" => (AttemptResult.Blocked, [SignInMethod.Password]),
        not null when reason.StartsWith("challenge_", StringComparison.Ordinal) => (AttemptResult.Blocked, [SignInMethod.Password]),
        "missing_input" => (AttemptResult.Failed, [SignInMethod.Password]),
        _ => (AttemptResult.WrongPassword, [SignInMethod.Password]),
    };

    private static IReadOnlyList<SignInMethod> Methods(string? reason)
    {
        if (reason == "passkey") return [SignInMethod.Passkey];
        // "accepted_caps_lock" and the like: a password accepted with a typo corrected.
        if (reason is null || !reason.StartsWith("password", StringComparison.Ordinal)) return [SignInMethod.Password];
        var plus = reason.IndexOf('+');
        return plus < 0 || Factor(reason[(plus + 1)..]) is not { } second ? [SignInMethod.Password] : [SignInMethod.Password, second];
    }

    private static SignInMethod? Factor(string? code) => code switch
    {
        "totp" => SignInMethod.AuthenticatorApp,
        "sms" => SignInMethod.TextMessage,
        "email" => SignInMethod.EmailCode,
        "backup-code" => SignInMethod.BackupCode,
        "security-key" => SignInMethod.SecurityKey,
        "remembered_device" => SignInMethod.RememberedDevice,
        _ => null,
    };
}
