using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Threshold.Core.Factors;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// The two cookies of two-step sign-in: the token of the sign-in in progress (between the
/// password and the second factor), and "remember this device" — signed and encrypted by
/// Data Protection, bound to the account's security stamp.
/// </summary>
public sealed class TwoFactorCookies(IDataProtectionProvider provider, IConfiguration config, IOptions<TwoFactorOptions> options, TimeProvider clock)
{
    private readonly IDataProtector _remembered = provider.CreateProtector("Threshold.RememberedDevice.v1");
    private string PendingName => ThresholdServices.CookieName(config, "SignInStep");
    private string RememberedName => ThresholdServices.CookieName(config, "TwoFactorDevice");

    public string? PendingToken(HttpContext context) => context.Request.Cookies[PendingName];

    public void SetPending(HttpContext context, string token) =>
        context.Response.Cookies.Append(PendingName, token, Options(context, persistent: null));

    public void ClearPending(HttpContext context) => context.Response.Cookies.Delete(PendingName, Options(context, persistent: null));

    public RememberedDevice? Remembered(HttpContext context)
    {
        if (context.Request.Cookies[RememberedName] is not { Length: > 0 and < 2048 } value) return null;
        try
        {
            return JsonSerializer.Deserialize<RememberedDevice>(_remembered.Unprotect(value));
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            return null; // forged, tampered or from a lost key: the second step is asked, nothing breaks
        }
    }

    public void Remember(HttpContext context, Guid accountId, string securityStamp)
    {
        var expires = clock.GetUtcNow() + options.Value.RememberDeviceFor;
        var value = _remembered.Protect(JsonSerializer.Serialize(new RememberedDevice(accountId, securityStamp, expires)));
        context.Response.Cookies.Append(RememberedName, value, Options(context, persistent: expires));
    }

    private CookieOptions Options(HttpContext context, DateTimeOffset? persistent) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Lax,
        Secure = config["Threshold:PublicOrigin"]?.StartsWith("https:", StringComparison.OrdinalIgnoreCase) == true || context.Request.IsHttps,
        Path = "/",
        Expires = persistent,
        IsEssential = true,
    };
}
