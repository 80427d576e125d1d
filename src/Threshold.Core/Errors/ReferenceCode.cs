using System.Security.Cryptography;

namespace Threshold.Core.Errors;

/// <summary>
/// Short codes people read to support: 8 characters without look-alikes
/// (no I, O, 0, 1), hyphenated in the middle, e.g. K7F3-9QX2.
/// </summary>
public static class ReferenceCode
{
    public const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

    public static string New()
    {
        Span<char> chars = stackalloc char[9];
        for (var i = 0; i < 9; i++)
            chars[i] = i == 4 ? '-' : Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        return new string(chars);
    }

    public static bool IsWellFormed(string? code) =>
        code is { Length: 9 } && code[4] == '-' && code.Where((c, i) => i != 4).All(Alphabet.Contains);
}
