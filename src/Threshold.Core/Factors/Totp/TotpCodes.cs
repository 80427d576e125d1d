using System.Security.Cryptography;
using OtpNet;

namespace Threshold.Core.Factors.Totp;

/// <summary>RFC 6238 with the parameters every authenticator app understands: SHA-1, 6 digits, 30 s, ±1 step.</summary>
public static class TotpCodes
{
    public const int Digits = 6;
    public const int PeriodSeconds = 30;
    /// <summary>160 bits, RFC 4226's recommended key length.</summary>
    public const int SecretBytes = 20;

    public static byte[] NewSecret() => RandomNumberGenerator.GetBytes(SecretBytes);

    public static string ToBase32(byte[] secret) => Base32Encoding.ToString(secret).TrimEnd('=');

    public static byte[] FromBase32(string base32) => Base32Encoding.ToBytes(base32);

    /// <summary>"ABCD EFGH …": the key as a person types it into an app by hand.</summary>
    public static string ForReading(string base32) =>
        string.Join(' ', base32.Chunk(4).Select(group => new string(group)));

    /// <summary>The otpauth:// URI the QR code carries, naming the service and the account.</summary>
    public static string Uri(string base32, string issuer, string accountName) =>
        new OtpUri(OtpType.Totp, base32, accountName, issuer, OtpHashMode.Sha1, Digits, PeriodSeconds).ToString();

    /// <summary>The time step the code belongs to (now, one before or one after), or null.</summary>
    public static long? MatchingStep(byte[] secret, string? typed, DateTimeOffset now)
    {
        if (Normalize(typed) is not { } code) return null;
        var totp = new OtpNet.Totp(secret, PeriodSeconds, OtpHashMode.Sha1, Digits);
        return totp.VerifyTotp(now.UtcDateTime, code, out var step, new VerificationWindow(previous: 1, future: 1)) ? step : null;
    }

    /// <summary>Spaces and dashes are ignored; anything else but exactly six digits is not a code.</summary>
    public static string? Normalize(string? typed) => DigitCodes.Normalize(typed, Digits);
}
