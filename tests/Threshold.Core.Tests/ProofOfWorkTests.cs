using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Defense;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>ALTCHA-compatible proof of work: valid, wrong, replayed, expired, tampered, and the no-JavaScript wait.</summary>
public class ProofOfWorkTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemoryThrottleStore _store = new();
    private readonly ProofOfWorkOptions _options = new() { MaxNumber = 2_000, HmacKey = Convert.ToBase64String(Key) };
    private ProofOfWork NewPow(ProofOfWorkOptions? options = null) => new(_store, new ProofOfWorkKey(), Options.Create(options ?? _options), _clock);

    /// <summary>What the browser's worker does: try every number.</summary>
    private static long Solve(PowChallenge c)
    {
        for (long n = 0; n <= c.MaxNumber; n++)
            if (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(c.Salt + n.ToString(CultureInfo.InvariantCulture)))) == c.Challenge)
                return n;
        throw new Xunit.Sdk.XunitException("no solution");
    }

    private static string Payload(PowChallenge c, long number, string? signature = null, string? salt = null, string? challenge = null) =>
        Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new
        {
            algorithm = c.Algorithm, challenge = challenge ?? c.Challenge, number, salt = salt ?? c.Salt, signature = signature ?? c.Signature, took = 10,
        }));

    [Fact]
    public async Task The_challenge_has_ALTCHAs_fields_and_an_HMAC_SHA256_signature_of_the_challenge()
    {
        var issued = await NewPow().CreateAsync(highRisk: false, Ct);
        var c = issued.Challenge;
        Assert.Equal("SHA-256", c.Algorithm);
        Assert.Matches("^[0-9a-f]{64}$", c.Challenge);
        Assert.Equal(2_000, c.MaxNumber);
        Assert.Contains("expires=" + (Start + _options.Lifetime).ToUnixTimeSeconds(), c.Salt);
        Assert.Equal(Convert.ToHexStringLower(HMACSHA256.HashData(Key, Encoding.UTF8.GetBytes(c.Challenge))), c.Signature);
        using var json = JsonDocument.Parse(Convert.FromBase64String(c.Encoded));
        Assert.Equal(["algorithm", "challenge", "maxnumber", "salt", "signature"], json.RootElement.EnumerateObject().Select(p => p.Name).ToArray());
    }

    [Fact]
    public async Task High_risk_multiplies_the_work_and_the_wait()
    {
        var normal = await NewPow().CreateAsync(false, Ct);
        var high = await NewPow().CreateAsync(true, Ct);
        Assert.Equal(normal.Challenge.MaxNumber * _options.HighRiskFactor, high.Challenge.MaxNumber);
        Assert.Equal(normal.NoScriptWait * _options.HighRiskFactor, high.NoScriptWait);
    }

    [Fact]
    public async Task A_correct_answer_is_valid_once_and_a_replay_is_refused()
    {
        var pow = NewPow();
        var c = (await pow.CreateAsync(false, Ct)).Challenge;
        var payload = Payload(c, Solve(c));
        Assert.Equal(PowVerdict.Valid, await pow.VerifyAsync(payload, Ct));
        Assert.Equal(PowVerdict.Replayed, await pow.VerifyAsync(payload, Ct));
    }

    [Fact]
    public async Task A_wrong_number_is_refused_and_does_not_spend_the_challenge()
    {
        var pow = NewPow();
        var c = (await pow.CreateAsync(false, Ct)).Challenge;
        var right = Solve(c);
        Assert.Equal(PowVerdict.WrongNumber, await pow.VerifyAsync(Payload(c, right == 0 ? 1 : right - 1), Ct));
        Assert.Equal(PowVerdict.WrongNumber, await pow.VerifyAsync(Payload(c, -1), Ct));
        Assert.Equal(PowVerdict.Valid, await pow.VerifyAsync(Payload(c, right), Ct));
    }

    [Fact]
    public async Task An_expired_challenge_is_refused_even_with_the_right_answer()
    {
        var pow = NewPow();
        var c = (await pow.CreateAsync(false, Ct)).Challenge;
        var payload = Payload(c, Solve(c));
        _clock.Advance(_options.Lifetime);
        Assert.Equal(PowVerdict.Expired, await pow.VerifyAsync(payload, Ct));
    }

    [Fact]
    public async Task A_tampered_signature_or_a_challenge_signed_with_another_key_is_refused()
    {
        var pow = NewPow();
        var c = (await pow.CreateAsync(false, Ct)).Challenge;
        var n = Solve(c);
        var flipped = (c.Signature[0] == 'a' ? 'b' : 'a') + c.Signature[1..];
        Assert.Equal(PowVerdict.Tampered, await pow.VerifyAsync(Payload(c, n, signature: flipped), Ct));

        // An attacker's own challenge (own salt and number) signed with a key they chose.
        var forged = await new ProofOfWork(new InMemoryThrottleStore(), new ProofOfWorkKey(),
            Options.Create(new ProofOfWorkOptions { MaxNumber = 2_000, HmacKey = Convert.ToBase64String(new byte[32]) }), _clock).CreateAsync(false, Ct);
        Assert.Equal(PowVerdict.Tampered, await pow.VerifyAsync(Payload(forged.Challenge, Solve(forged.Challenge)), Ct));
        Assert.Empty(_store.Spent);
    }

    [Fact]
    public async Task Changing_the_salt_to_extend_the_expiry_does_not_work()
    {
        var pow = NewPow();
        var c = (await pow.CreateAsync(false, Ct)).Challenge;
        var n = Solve(c);
        _clock.Advance(_options.Lifetime + TimeSpan.FromMinutes(1));
        var later = System.Text.RegularExpressions.Regex.Replace(c.Salt, @"expires=\d+", "expires=" + (_clock.GetUtcNow() + TimeSpan.FromHours(1)).ToUnixTimeSeconds());
        Assert.NotEqual(PowVerdict.Valid, await pow.VerifyAsync(Payload(c, n, salt: later), Ct));
    }

    [Theory]
    [InlineData("not base64 at all!")]
    [InlineData("eyJ9")]
    [InlineData("bnVsbA==")]
    public async Task Garbage_is_malformed_not_an_exception(string payload) =>
        Assert.Equal(PowVerdict.Malformed, await NewPow().VerifyAsync(payload, Ct));

    [Fact]
    public async Task An_oversized_answer_is_refused_unread()
    {
        var pow = NewPow();
        var c = (await pow.CreateAsync(false, Ct)).Challenge;
        var huge = Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new { algorithm = "SHA-256", challenge = c.Challenge, number = Solve(c), salt = c.Salt, signature = c.Signature, pad = new string('x', 5000) }));
        Assert.Equal(PowVerdict.Malformed, await pow.VerifyAsync(huge, Ct));
        Assert.Equal(PowVerdict.Missing, await pow.VerifyAsync("", Ct));
    }

    [Fact]
    public async Task Without_JavaScript_the_unanswered_challenge_counts_only_after_its_wait_and_only_once()
    {
        var pow = NewPow();
        var issued = await pow.CreateAsync(false, Ct);
        Assert.Equal(PowVerdict.TooEarly, await pow.VerifyWaitedAsync(issued.Challenge.Encoded, Ct));
        _clock.Advance(issued.NoScriptWait);
        Assert.Equal(PowVerdict.Valid, await pow.VerifyWaitedAsync(issued.Challenge.Encoded, Ct));
        Assert.Equal(PowVerdict.Replayed, await pow.VerifyWaitedAsync(issued.Challenge.Encoded, Ct));

        var tampered = issued.Challenge with { Signature = new string('0', 64) };
        Assert.Equal(PowVerdict.Tampered, await pow.VerifyWaitedAsync(tampered.Encoded, Ct));
    }

    [Fact]
    public async Task Without_a_configured_key_one_is_made_once_and_kept_in_the_store()
    {
        var options = new ProofOfWorkOptions { MaxNumber = 2_000 };
        var c = (await NewPow(options).CreateAsync(false, Ct)).Challenge;
        // A second instance (another server) with the same store accepts the answer.
        Assert.Equal(PowVerdict.Valid, await NewPow(options).VerifyAsync(Payload(c, Solve(c)), Ct));
    }
}
