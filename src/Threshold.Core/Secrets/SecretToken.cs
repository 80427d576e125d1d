using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Threshold.Core.Secrets;

/// <summary>
/// Random bearer secrets (session ids, link tokens). Only their SHA-256 is stored:
/// they carry 256 random bits, so a fast hash is enough and lookups stay indexable.
/// </summary>
public static class SecretToken
{
    public const int Bytes = 32;

    public static string New() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(Bytes));

    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>A token as it came from outside: right length and alphabet, or null.</summary>
    public static string? Parse(string? candidate)
    {
        if (candidate is null) return null;
        candidate = candidate.Trim();
        if (candidate.Length != Base64Url.GetEncodedLength(Bytes)) return null;
        return Base64Url.IsValid(candidate, out var decoded) && decoded == Bytes ? candidate : null;
    }
}
