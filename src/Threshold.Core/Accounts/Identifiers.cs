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
    public static string Clean(string? value)
    {
        var trimmed = (value ?? string.Empty).Trim();
        // Unpaired surrogates cannot be normalised; keep them so the shape checks refuse them.
        try { return trimmed.Normalize(NormalizationForm.FormKC); }
        catch (ArgumentException) { return trimmed; }
    }

    public static string Normalize(string? value) => Clean(value).ToUpperInvariant();

    /// <summary>Control or format characters, the replacement character (from invalid UTF-8), or a broken surrogate pair.</summary>
    public static bool HasControlCharacters(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) { i++; continue; }
            if (char.IsSurrogate(c) || char.IsControl(c) || c == '\uFFFD' || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
                return true;
        }
        return false;
    }

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
        if (at <= 0 || !IsLocalPart(cleaned[..at]) || !IsDomain(cleaned[(at + 1)..])) return IdentifierProblem.EmailInvalid;
        if (!MailAddress.TryCreate(cleaned, out var parsed) || parsed.Address != cleaned) return IdentifierProblem.EmailInvalid;
        return null;
    }

    /// <summary>A dot-atom local part (RFC 5322): no leading, trailing or doubled dots.</summary>
    private static bool IsLocalPart(string local) =>
        local.Length <= 64 && !local.StartsWith('.') && !local.EndsWith('.') && !local.Contains("..") && !local.Contains('"');

    /// <summary>At least two labels of letters, digits and inner hyphens (internationalised letters allowed).</summary>
    private static bool IsDomain(string domain)
    {
        var labels = domain.Split('.');
        return labels.Length >= 2 && labels.All(label =>
            label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' &&
            label.All(c => char.IsLetterOrDigit(c) || c == '-' || char.IsSurrogate(c)));
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
