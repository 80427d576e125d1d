using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Threshold.Core.Factors;

namespace Threshold.Web.Infrastructure;

/// <summary>Factor secrets (the TOTP keys) encrypted with Data Protection, whose keys the database keeps for every instance.</summary>
public sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : ISecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Threshold.Factors.Secrets.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string? Unprotect(string protectedSecret)
    {
        try { return _protector.Unprotect(protectedSecret); }
        catch (CryptographicException) { return null; }
    }
}
