using System.Globalization;
using System.Net.Mail;
using System.Text;

namespace Threshold.Core.Accounts;

/// <summary>
/// Normalisation and shape rules for the identifiers a person signs in with.
/// Comparison forms are upper-case invariant, the same as Identity's default
/// lookup normaliser, so Identity's own queries agree with ours.
/// </summary>
public static class Identifiers
{
    public const int UsernameMinLength = 3;
    public const int UsernameMaxLength = 32;
    public const int EmailMaxLength = 254;

    /// <summary>Trim and NFKC; what we store as the display form.</summary>
    public static string Clean(string? value) =>
        (value ?? string.Empty).Trim().Normalize(NormalizationForm.FormKC);

    public static string Normalize(string? value) => Clean(value).ToUpperInvariant();

    public static bool HasControlCharacters(string value) =>
        value.Any(c => char.IsControl(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format
            || c == '\uFFFD' || char.IsSurrogate(c));

    public static bool LooksLikeEmail(string value) => value.Contains('@');

    public static IdentifierProblem? CheckUsername(string cleaned)
    {
        if (cleaned.Length == 0) return IdentifierProblem.Missing;
        if (LooksLikeEmail(cleaned)) return IdentifierProblem.UsernameLooksLikeEmail;
        if (cleaned.Length < UsernameMinLength || cleaned.Length > UsernameMaxLength) return IdentifierProblem.UsernameLength;
        foreach (var c in cleaned)
        {
            // Letters and digits in any script; '.', '_' and '-' as separators.
            if (!(char.IsLetterOrDigit(c) || c is '.' or '_' or '-')) return IdentifierProblem.UsernameCharacters;
        }
        return null;
    }

    public static IdentifierProblem? CheckEmail(string cleaned)
    {
        if (cleaned.Length == 0) return IdentifierProblem.Missing;
        if (cleaned.Length > EmailMaxLength || HasControlCharacters(cleaned) || cleaned.Any(char.IsWhiteSpace))
            return IdentifierProblem.EmailInvalid;
        var at = cleaned.LastIndexOf('@');
        if (at <= 0 || at == cleaned.Length - 1 || !cleaned[(at + 1)..].Contains('.')) return IdentifierProblem.EmailInvalid;
        if (!MailAddress.TryCreate(cleaned, out var parsed) || parsed.Address != cleaned) return IdentifierProblem.EmailInvalid;
        return null;
    }
}

public enum IdentifierProblem
{
    Missing,
    EmailInvalid,
    UsernameLength,
    UsernameCharacters,
    UsernameLooksLikeEmail,
}
