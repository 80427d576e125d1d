using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Threshold.Core.Defense;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// The signed device cookie (OWASP's "device cookie"): Data Protection encrypts and signs a
/// random device id and the accounts that signed in from this browser. A cookie that does not
/// unprotect, is too long, too old or malformed is no device at all, never an error.
/// </summary>
public sealed class DeviceCookies(IDataProtectionProvider protection, IConfiguration config, TimeProvider clock)
{
    public const string Purpose = "Device";
    /// <summary>Longer cookie values are ignored unread.</summary>
    public const int MaxLength = 2048;
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(365);

    private readonly IDataProtector _protector = protection.CreateProtector("Threshold.DeviceCookie.v1");
    private string Name => ThresholdServices.CookieName(config, Purpose);

    public KnownDevice? Read(HttpContext context)
    {
        var value = context.Request.Cookies[Name];
        if (value is not { Length: > 0 and <= MaxLength }) return null;
        try
        {
            var payload = JsonSerializer.Deserialize<Payload>(_protector.Unprotect(value));
            if (payload is not { D: { Length: > 0 } id, A: { } accounts }) return null;
            var issued = DateTimeOffset.FromUnixTimeSeconds(payload.T);
            return clock.GetUtcNow() - issued > Lifetime ? null : new KnownDevice(id, accounts, issued);
        }
        catch (Exception e) when (e is System.Security.Cryptography.CryptographicException or JsonException or FormatException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>
    /// Gives a browser that has none a device id before it signs in, so the sign-in itself can be
    /// told apart from others (new device or not). It knows no account yet, so it unlocks nothing.
    /// </summary>
    public void EnsureIssued(HttpContext context)
    {
        if (Read(context) is null) Write(context, new KnownDevice(Core.Secrets.SecretToken.New(), [], clock.GetUtcNow()));
    }

    public void Write(HttpContext context, KnownDevice device)
    {
        var value = _protector.Protect(JsonSerializer.Serialize(new Payload(device.DeviceId, [.. device.Accounts], device.IssuedAt.ToUnixTimeSeconds())));
        context.Response.Cookies.Append(Name, value, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = context.Request.IsHttps || Name.StartsWith("__Host-", StringComparison.Ordinal),
            Path = "/",
            MaxAge = Lifetime,
            IsEssential = true,
        });
    }

    private sealed record Payload(string? D, Guid[]? A, long T);
}
