using System.Text;
using Threshold.Core.Factors;

namespace Threshold.Core.Tests.Doubles;

/// <summary>
/// Stands in for Data Protection: the protected form is visibly different from the secret
/// (reversed, base64, with a marker), and anything without the marker fails to unprotect.
/// </summary>
public sealed class FakeSecretProtector : ISecretProtector
{
    private const string Marker = "protected:";

    public int Protections { get; private set; }
    public int Unprotections { get; private set; }

    public string Protect(string secret)
    {
        Protections++;
        return Marker + Convert.ToBase64String(Encoding.UTF8.GetBytes(new string(secret.Reverse().ToArray())));
    }

    public string? Unprotect(string protectedSecret)
    {
        Unprotections++;
        if (!protectedSecret.StartsWith(Marker, StringComparison.Ordinal)) return null;
        try { return new string(Encoding.UTF8.GetString(Convert.FromBase64String(protectedSecret[Marker.Length..])).Reverse().ToArray()); }
        catch (FormatException) { return null; }
    }
}
