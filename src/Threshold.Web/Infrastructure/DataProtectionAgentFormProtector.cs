using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Threshold.Core.Support.Actions;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// The console's form tokens sealed with Data Protection (keys shared by every instance through the
/// database), under their own purpose. Expiry is inside the payload and checked by Core against the
/// app's TimeProvider.
/// </summary>
public sealed class DataProtectionAgentFormProtector(IDataProtectionProvider provider) : IAgentFormProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Threshold.Support.FormToken.v1");

    public string Protect(string payload) => _protector.Protect(payload);

    public string? Unprotect(string token)
    {
        try { return _protector.Unprotect(token); }
        catch (CryptographicException) { return null; }
        catch (FormatException) { return null; }
    }
}
