using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Sessions;

namespace Threshold.Core.Support.Desk;

/// <summary>
/// One security event as an agent reads it: what happened (the kind), why (the reason code the
/// flow recorded), how (the sign-in methods, for sign-in kinds), from which device and where.
/// The page puts kind and reason into words.
/// </summary>
/// <param name="Identifier">What the person typed (or the request number, for a request).</param>
public sealed record TimelineEntry(
    Guid Id,
    DateTimeOffset At,
    SecurityEventKind Kind,
    string? Reason,
    string? Identifier,
    IReadOnlyList<SignInMethod> Methods,
    DeviceName Device,
    string? IpAddress,
    GeoPlace? Place,
    Guid? AccountId,
    string ReferenceCode)
{
    /// <summary>The kinds whose reason names how someone signed in (or tried to).</summary>
    private static readonly HashSet<SecurityEventKind> SignInKinds =
    [
        SecurityEventKind.SignInSucceeded, SecurityEventKind.SignInFailed, SecurityEventKind.SecondFactorFailed, SecurityEventKind.PasswordReset,
    ];

    public static TimelineEntry Of(SecurityEvent e) => new(
        e.Id, e.At, e.Kind, e.Reason, e.Identifier,
        SignInKinds.Contains(e.Kind) ? LoginHistory.Describe(e.Kind, e.Reason).Methods : [],
        DeviceNames.Read(e.UserAgent), e.IpAddress,
        e.CountryCode is null && e.City is null ? null : new GeoPlace(e.CountryCode, e.City),
        e.AccountId, e.ReferenceCode);
}
