using System.Security.Cryptography;

namespace Threshold.Core.Factors.BackupCodes;

/// <summary>
/// Codes read "xxxx-xxxx-xx": ten characters of RFC 4648 base32, 50 random bits each
/// (ASVS 6.5.2 asks for at least 20; 50 also outlasts an offline attack on the salted
/// Argon2id hashes). Case, spaces and dashes do not matter, and the digits 0, 1 and 8
/// are read as the letters they are mistaken for.
/// </summary>
public static class BackupCodeFormat
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    public const int Characters = 10;

    public static string New() =>
        string.Create(Characters + 2, 0, (span, _) =>
        {
            var written = 0;
            for (var i = 0; i < span.Length; i++)
            {
                if (i is 4 or 9) { span[i] = '-'; continue; }
                span[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
                written++;
            }
        });

    /// <summary>The ten characters that are compared, or null when the input cannot be a code.</summary>
    public static string? Normalize(string? typed)
    {
        if (typed is null || typed.Length > 64) return null;
        var kept = new List<char>(Characters);
        foreach (var c in typed)
        {
            if (c is ' ' or '-' or '\u00A0') continue;
            var lower = char.ToLowerInvariant(c) switch { '0' => 'o', '1' => 'l', '8' => 'b', var other => other };
            if (!Alphabet.Contains(lower)) return null;
            kept.Add(lower);
        }
        return kept.Count == Characters ? new string(kept.ToArray()) : null;
    }
}
