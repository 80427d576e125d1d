using System.Security.Cryptography;

namespace Threshold.Core.Factors;

/// <summary>Short numeric codes (authenticator apps, texted and emailed codes, reset codes): made and read the same way everywhere.</summary>
public static class DigitCodes
{
    public static string New(int digits) =>
        string.Create(digits, 0, (span, _) => { for (var i = 0; i < span.Length; i++) span[i] = (char)('0' + RandomNumberGenerator.GetInt32(10)); });

    /// <summary>The digits typed, ignoring spaces and dashes; null unless exactly <paramref name="digits"/> digits remain.</summary>
    public static string? Normalize(string? typed, int digits)
    {
        if (typed is null || typed.Length > 64) return null;
        var kept = typed.Where(c => c is not (' ' or '-' or '\u00A0')).ToArray();
        return kept.Length == digits && kept.All(char.IsAsciiDigit) ? new string(kept) : null;
    }
}
