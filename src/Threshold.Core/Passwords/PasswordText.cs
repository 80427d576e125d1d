using System.Text;

namespace Threshold.Core.Passwords;

public static class PasswordText
{
    /// <summary>
    /// NFKC so the same password typed on different keyboards (composed or decomposed
    /// accents, full-width forms) hashes the same. Nothing else changes: no trimming,
    /// no case folding (ASVS 6.2.8).
    /// </summary>
    public static string Normalize(string password)
    {
        try { return password.Normalize(NormalizationForm.FormKC); }
        catch (ArgumentException) { return password; } // unpaired surrogates: leave as typed
    }

    /// <summary>Length as a person counts it: user-perceived characters, not UTF-16 units.</summary>
    public static int LengthInCharacters(string password) => new System.Globalization.StringInfo(password).LengthInTextElements;
}
