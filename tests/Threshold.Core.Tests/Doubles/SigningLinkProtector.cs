using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Threshold.Core.Activity.NotMe;

namespace Threshold.Core.Tests.Doubles;

/// <summary>
/// Stands in for Data Protection with a real MAC (HMAC-SHA256 under a random key), so a
/// changed or made-up token really fails to open. The payload is readable; the web host's
/// protector also encrypts it.
/// </summary>
public sealed class SigningLinkProtector : INotMeLinkProtector
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(32);

    public string Protect(string payload)
    {
        var data = Encoding.UTF8.GetBytes(payload);
        return Base64Url.EncodeToString(data) + "." + Base64Url.EncodeToString(HMACSHA256.HashData(_key, data));
    }

    public string? Unprotect(string token)
    {
        var dot = token.IndexOf('.');
        if (dot < 0) return null;
        try
        {
            var data = Base64Url.DecodeFromChars(token.AsSpan(0, dot));
            var mac = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
            return CryptographicOperations.FixedTimeEquals(mac, HMACSHA256.HashData(_key, data)) ? Encoding.UTF8.GetString(data) : null;
        }
        catch (FormatException) { return null; }
    }
}
