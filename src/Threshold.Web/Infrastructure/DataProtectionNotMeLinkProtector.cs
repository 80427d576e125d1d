using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Threshold.Core.Activity.NotMe;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// "This wasn't me" tokens sealed with Data Protection (keys shared by every instance through the
/// database), under their own purpose. Expiry is inside the payload and checked by Core against
/// the app's TimeProvider, rather than by the time-limited protector's own system clock.
/// </summary>
public sealed class DataProtectionNotMeLinkProtector(IDataProtectionProvider provider) : INotMeLinkProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Threshold.NotMe.Link.v1");

    public string Protect(string payload) => _protector.Protect(payload);

    public string? Unprotect(string token)
    {
        try { return _protector.Unprotect(token); }
        catch (CryptographicException) { return null; }
        catch (FormatException) { return null; }
    }
}
