namespace Threshold.Core.Factors;

/// <summary>Encrypts factor secrets at rest (the web host backs it with ASP.NET Core Data Protection).</summary>
public interface ISecretProtector
{
    string Protect(string secret);
    /// <returns>The secret, or null when the text was tampered with or its key is gone.</returns>
    string? Unprotect(string protectedSecret);
}
