using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using NSec.Cryptography;
using Threshold.Core.Accounts;

namespace Threshold.Core.Passwords;

/// <summary>
/// Argon2id through libsodium (NSec), stored as a PHC string that carries its own
/// parameters: <c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>. Also verifies
/// ASP.NET Core Identity's PBKDF2 hashes (imports) and asks for a rehash whenever a
/// stored hash does not use the configured parameters.
/// </summary>
public sealed class Argon2idPasswordHasher : IPasswordHasher<Account>
{
    private const string Prefix = "$argon2id$v=19$";
    private const int SaltBytes = 16;
    private const int HashBytes = 32;

    private readonly Argon2Settings _settings;
    private readonly PasswordHasher<Account> _identityV3 = new();

    public Argon2idPasswordHasher(IOptions<PasswordSettings> options) => _settings = options.Value.Argon2;

    public string HashPassword(Account user, string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, _settings);
        return $"{Prefix}m={_settings.MemoryKiB},t={_settings.Iterations},p={_settings.Parallelism}" +
               $"${ToB64(salt)}${ToB64(hash)}";
    }

    public PasswordVerificationResult VerifyHashedPassword(Account user, string hashedPassword, string providedPassword)
    {
        if (hashedPassword.StartsWith(Prefix, StringComparison.Ordinal))
        {
            if (!TryParse(hashedPassword, out var stored, out var salt, out var expected) || !IsSupported(stored))
                return PasswordVerificationResult.Failed;
            var actual = Derive(providedPassword, salt, stored);
            if (!CryptographicOperations.FixedTimeEquals(actual, expected)) return PasswordVerificationResult.Failed;
            return SameAsConfigured(stored) ? PasswordVerificationResult.Success : PasswordVerificationResult.SuccessRehashNeeded;
        }

        // An imported ASP.NET Core Identity (PBKDF2) hash: verify, then upgrade to Argon2id.
        try
        {
            var legacy = _identityV3.VerifyHashedPassword(user, hashedPassword, providedPassword);
            return legacy == PasswordVerificationResult.Failed ? legacy : PasswordVerificationResult.SuccessRehashNeeded;
        }
        catch (FormatException)
        {
            return PasswordVerificationResult.Failed;
        }
    }

    /// <summary>
    /// libsodium's limits, and a ceiling on work: a tampered or foreign hash must fail, not
    /// throw or make one verification cost gigabytes.
    /// </summary>
    private static bool IsSupported(Argon2Settings stored) =>
        stored.Parallelism == 1 && stored.MemoryKiB is >= 8 and <= 1024 * 1024 && stored.Iterations is >= 1 and <= 16;

    private bool SameAsConfigured(Argon2Settings stored) =>
        stored.MemoryKiB == _settings.MemoryKiB && stored.Iterations == _settings.Iterations &&
        stored.Parallelism == _settings.Parallelism;

    private static byte[] Derive(string password, byte[] salt, Argon2Settings settings)
    {
        var algorithm = PasswordBasedKeyDerivationAlgorithm.Argon2id(new Argon2Parameters
        {
            MemorySize = settings.MemoryKiB,
            NumberOfPasses = settings.Iterations,
            DegreeOfParallelism = settings.Parallelism,
        });
        var bytes = Encoding.UTF8.GetBytes(PasswordText.Normalize(password));
        try { return algorithm.DeriveBytes(bytes, salt, HashBytes); }
        finally { CryptographicOperations.ZeroMemory(bytes); }
    }

    private static bool TryParse(string phc, out Argon2Settings settings, out byte[] salt, out byte[] hash)
    {
        settings = new Argon2Settings();
        salt = hash = [];
        var parts = phc[Prefix.Length..].Split('$');
        if (parts.Length != 3) return false;
        foreach (var pair in parts[0].Split(','))
        {
            var kv = pair.Split('=');
            if (kv.Length != 2 || !int.TryParse(kv[1], out var value) || value <= 0) return false;
            switch (kv[0])
            {
                case "m": settings.MemoryKiB = value; break;
                case "t": settings.Iterations = value; break;
                case "p": settings.Parallelism = value; break;
                default: return false;
            }
        }
        try
        {
            salt = FromB64(parts[1]);
            hash = FromB64(parts[2]);
        }
        catch (FormatException)
        {
            return false;
        }
        return salt.Length == SaltBytes && hash.Length > 0;
    }

    // PHC strings use standard base64 without padding.
    private static string ToB64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static byte[] FromB64(string text) =>
        Convert.FromBase64String(text.PadRight(text.Length + (4 - text.Length % 4) % 4, '='));
}
