using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;

namespace Threshold.Core.Defense;

/// <summary>A challenge in ALTCHA's format: find the number n ≤ maxnumber with SHA-256(salt + n) = challenge.</summary>
public sealed record PowChallenge(
    [property: JsonPropertyName("algorithm")] string Algorithm,
    [property: JsonPropertyName("challenge")] string Challenge,
    [property: JsonPropertyName("maxnumber")] int MaxNumber,
    [property: JsonPropertyName("salt")] string Salt,
    [property: JsonPropertyName("signature")] string Signature)
{
    /// <summary>The challenge as sent to the browser: base64 of its JSON.</summary>
    [JsonIgnore]
    public string Encoded => Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(this));
}

/// <summary>ALTCHA's answer: the challenge's fields and the number found.</summary>
public sealed record PowSolution(
    [property: JsonPropertyName("algorithm")] string? Algorithm,
    [property: JsonPropertyName("challenge")] string? Challenge,
    [property: JsonPropertyName("number")] long? Number,
    [property: JsonPropertyName("salt")] string? Salt,
    [property: JsonPropertyName("signature")] string? Signature);

public enum PowVerdict { Valid, Missing, Malformed, Tampered, WrongNumber, Expired, TooEarly, Replayed }

/// <summary>A challenge to show, with how long a browser without JavaScript has to wait instead.</summary>
public sealed record IssuedChallenge(PowChallenge Challenge, TimeSpan NoScriptWait);

/// <summary>The HMAC key, loaded once per process (from settings or the database).</summary>
public sealed class ProofOfWorkKey
{
    private byte[]? _key;

    public async ValueTask<byte[]> GetAsync(IThrottleStore store, ProofOfWorkOptions options, CancellationToken ct)
    {
        if (_key is { } key) return key;
        var encoded = options.HmacKey is { Length: > 0 } configured
            ? configured
            : await store.GetOrAddKeyAsync("pow-hmac", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)), ct);
        var bytes = Convert.FromBase64String(encoded);
        if (bytes.Length < 32) throw new InvalidOperationException("ProofOfWork:HmacKey must be at least 32 bytes (base64).");
        return _key = bytes;
    }
}

/// <summary>
/// Proof-of-work challenges compatible with ALTCHA (https://altcha.org): the server signs
/// SHA-256(salt + secret number) with HMAC-SHA256; the browser searches the number; the server
/// checks the answer, the signature, the expiry (in the salt) and that it was not used before.
/// A browser without JavaScript sends the challenge back unanswered, which counts once its
/// waiting time (also in the salt) has passed.
/// </summary>
public sealed class ProofOfWork(IThrottleStore store, ProofOfWorkKey key, IOptions<ProofOfWorkOptions> options, TimeProvider clock)
{
    public const string Algorithm = "SHA-256";
    /// <summary>Longer answers are refused before any parsing.</summary>
    public const int MaxEncodedLength = 2048;
    private const string Purpose = "signin";

    private ProofOfWorkOptions Options => options.Value;

    public async Task<IssuedChallenge> CreateAsync(bool highRisk, CancellationToken ct = default)
    {
        var factor = highRisk ? Options.HighRiskFactor : 1;
        var max = Options.MaxNumber * factor;
        var wait = Options.NoScriptWait * factor;
        var now = clock.GetUtcNow();
        var salt = string.Create(CultureInfo.InvariantCulture,
            $"{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12))}?expires={(now + Options.Lifetime).ToUnixTimeSeconds()}&notbefore={(now + wait).ToUnixTimeSeconds()}&max={max}&purpose={Purpose}&");
        var number = RandomNumberGenerator.GetInt32(max + 1);
        var challenge = Sha256Hex(salt + number.ToString(CultureInfo.InvariantCulture));
        var signature = await SignAsync(challenge, ct);
        return new(new PowChallenge(Algorithm, challenge, max, salt, signature), wait);
    }

    /// <summary>Checks an ALTCHA payload (base64 JSON); on success the challenge is spent.</summary>
    public async Task<PowVerdict> VerifyAsync(string? payload, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(payload)) return PowVerdict.Missing;
        if (Decode<PowSolution>(payload) is not { Number: { } number } s || s.Challenge is null || s.Salt is null || s.Signature is null)
            return PowVerdict.Malformed;
        return await CheckAsync(s.Algorithm, s.Challenge, s.Salt, s.Signature, number, waited: false, ct);
    }

    /// <summary>Checks a challenge sent back unanswered (no JavaScript): valid only after its waiting time.</summary>
    public async Task<PowVerdict> VerifyWaitedAsync(string? encodedChallenge, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(encodedChallenge)) return PowVerdict.Missing;
        if (Decode<PowChallenge>(encodedChallenge) is not { Challenge: not null, Salt: not null, Signature: not null } c)
            return PowVerdict.Malformed;
        return await CheckAsync(c.Algorithm, c.Challenge, c.Salt, c.Signature, null, waited: true, ct);
    }

    private async Task<PowVerdict> CheckAsync(string? algorithm, string challenge, string salt, string signature, long? number, bool waited, CancellationToken ct)
    {
        if (algorithm != Algorithm || challenge.Length != 64 || signature.Length != 64 || salt.Length > 256) return PowVerdict.Malformed;
        byte[] given;
        try { given = Convert.FromHexString(signature); }
        catch (FormatException) { return PowVerdict.Malformed; }
        var expected = Convert.FromHexString(await SignAsync(challenge, ct));
        if (!CryptographicOperations.FixedTimeEquals(given, expected)) return PowVerdict.Tampered;

        var parameters = Parameters(salt);
        if (parameters.GetValueOrDefault("purpose") != Purpose
            || !long.TryParse(parameters.GetValueOrDefault("expires"), NumberStyles.None, CultureInfo.InvariantCulture, out var expires)
            || !long.TryParse(parameters.GetValueOrDefault("notbefore"), NumberStyles.None, CultureInfo.InvariantCulture, out var notBefore)
            || !long.TryParse(parameters.GetValueOrDefault("max"), NumberStyles.None, CultureInfo.InvariantCulture, out var max))
            return PowVerdict.Tampered;
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        if (now >= expires) return PowVerdict.Expired;
        if (waited)
        {
            if (now < notBefore) return PowVerdict.TooEarly;
        }
        else if (number is not { } n || n < 0 || n > max
            || !CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sha256Hex(salt + n.ToString(CultureInfo.InvariantCulture))), Encoding.ASCII.GetBytes(challenge.ToLowerInvariant())))
        {
            return PowVerdict.WrongNumber;
        }

        var spent = await store.TrySpendChallengeAsync(Sha256Hex(signature.ToLowerInvariant()), DateTimeOffset.FromUnixTimeSeconds(expires), clock.GetUtcNow(), ct);
        return spent ? PowVerdict.Valid : PowVerdict.Replayed;
    }

    private async Task<string> SignAsync(string challenge, CancellationToken ct) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(await key.GetAsync(store, Options, ct), Encoding.ASCII.GetBytes(challenge.ToLowerInvariant())));

    private static string Sha256Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static Dictionary<string, string> Parameters(string salt)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var query = salt.IndexOf('?', StringComparison.Ordinal);
        if (query < 0) return result;
        foreach (var pair in salt[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0) result.TryAdd(pair[..eq], pair[(eq + 1)..]);
        }
        return result;
    }

    private static T? Decode<T>(string encoded) where T : class
    {
        if (encoded.Length > MaxEncodedLength) return null;
        try { return JsonSerializer.Deserialize<T>(Convert.FromBase64String(encoded.Trim())); }
        catch (Exception e) when (e is FormatException or JsonException or NotSupportedException) { return null; }
    }
}
