using System.Security.Cryptography;
using System.Text;

namespace Threshold.Core.Defense;

/// <summary>
/// Consecutive failed sign-ins for one key: an identifier as typed, an account, a device
/// cookie or a network. Keys are hashed (<see cref="ThrottleKeys"/>), so the table never
/// holds what someone typed.
/// </summary>
public class ThrottleCounter
{
    public required string Key { get; set; }
    public int Failures { get; set; }
    public DateTimeOffset LastFailureAt { get; set; }
    /// <summary>When the owner was told about this run of failures (one email per lock period).</summary>
    public DateTimeOffset? NotifiedAt { get; set; }
}

/// <summary>A challenge that was answered, kept until it expires so it cannot be answered twice.</summary>
public class SpentChallenge
{
    /// <summary>SHA-256 (hex) of the challenge's signature.</summary>
    public required string Id { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
}

/// <summary>A named secret the defences need on every instance (the proof-of-work HMAC key).</summary>
public class DefenseKey
{
    public required string Name { get; set; }
    public required string Value { get; set; }
}

/// <summary>
/// Where counters live: the database by default; the scale-out work backs it with Redis.
/// Every write is atomic per key, so concurrent failures are all counted.
/// </summary>
public interface IThrottleStore
{
    Task<IReadOnlyDictionary<string, ThrottleCounter>> GetAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default);

    /// <summary>
    /// Counts one failure: the count goes up by one, or starts again at one when the last
    /// failure was before <paramref name="restartIfLastBefore"/>. Returns the new state.
    /// </summary>
    Task<ThrottleCounter> RecordFailureAsync(string key, DateTimeOffset at, DateTimeOffset restartIfLastBefore, CancellationToken ct = default);

    /// <summary>Forgets these keys (a successful sign-in).</summary>
    Task ResetAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default);

    /// <summary>Marks the key's current run as notified; false when it already was (so exactly one caller sends the email).</summary>
    Task<bool> TryMarkNotifiedAsync(string key, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>Records a challenge as answered; false when it was answered before.</summary>
    Task<bool> TrySpendChallengeAsync(string id, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The stored value for <paramref name="name"/>, storing <paramref name="candidate"/> first when there is none.</summary>
    Task<string> GetOrAddKeyAsync(string name, string candidate, CancellationToken ct = default);
}

/// <summary>Counter keys: a kind prefix and the SHA-256 of the value, base64url (no personal data at rest).</summary>
public static class ThrottleKeys
{
    public static string Identifier(string normalizedIdentifier) => "i:" + Hash(normalizedIdentifier);
    public static string Account(Guid accountId) => "a:" + accountId.ToString("N");
    public static string Device(string deviceId) => "d:" + Hash(deviceId);
    public static string Network(string network) => "n:" + Hash(network);

    private static string Hash(string value) =>
        System.Buffers.Text.Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
