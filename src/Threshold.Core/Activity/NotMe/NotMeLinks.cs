using System.Globalization;
using Microsoft.Extensions.Options;
using Threshold.Core.Errors;

namespace Threshold.Core.Activity.NotMe;

/// <summary>
/// Seals and opens "This wasn't me" tokens: authenticated encryption, so a token cannot be made
/// or changed without the key. The web host backs it with Data Protection under a purpose of
/// its own (never the one that protects factor secrets).
/// </summary>
public interface INotMeLinkProtector
{
    string Protect(string payload);
    /// <returns>The payload, or null when the token was forged, changed, garbled or its key is gone.</returns>
    string? Unprotect(string token);
}

public enum NotMeLinkStatus { Valid, Invalid, Expired }

/// <summary>What a token says: the account and the reference code of the notice it came in.</summary>
public sealed record NotMeLinkRead(NotMeLinkStatus Status, Guid AccountId = default, string? Reference = null);

/// <summary>
/// The "This wasn't me" link in every security email: <c>{PublicOrigin}/account/not-me?t=TOKEN</c>.
/// The token is self-contained (nothing is stored when a notice is sent): it names the account
/// and the notice's reference code and is valid for <see cref="Lifetime"/>. It is single use in
/// effect: the report it leads to can be made once per reference (<see cref="NotMeReport"/>).
/// Expiry is checked against the injected clock, so it is tested without waiting.
/// </summary>
public sealed class NotMeLinks(INotMeLinkProtector protector, IOptions<ThresholdOptions> options, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);
    /// <summary>Far longer than any token we make; longer input is not even unprotected.</summary>
    public const int MaxTokenLength = 1024;
    private const string Version = "nm1";

    public string Token(Guid accountId, string reference)
    {
        var expires = (clock.GetUtcNow() + Lifetime).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return protector.Protect(string.Join('|', Version, accountId.ToString("N"), reference, expires));
    }

    public Uri Link(Guid accountId, string reference) =>
        options.Value.Link("account/not-me?t=" + Uri.EscapeDataString(Token(accountId, reference)));

    public NotMeLinkRead Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength || protector.Unprotect(token) is not { } payload)
            return new(NotMeLinkStatus.Invalid);
        var parts = payload.Split('|');
        if (parts.Length != 4 || parts[0] != Version || !Guid.TryParseExact(parts[1], "N", out var accountId) || !ReferenceCode.IsWellFormed(parts[2])
            || !long.TryParse(parts[3], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return new(NotMeLinkStatus.Invalid);
        var status = clock.GetUtcNow() < DateTimeOffset.FromUnixTimeSeconds(seconds) ? NotMeLinkStatus.Valid : NotMeLinkStatus.Expired;
        return new(status, accountId, parts[2]);
    }
}
