using System.Globalization;
using System.Text;
using Threshold.Core.Errors;

namespace Threshold.Core.Support.Requests;

/// <summary>
/// A reference code as a person types it from a screen or an email: any case, with spaces, with
/// or without the hyphen (or with a dash an autocorrecting keyboard made of it), full-width
/// characters from an East Asian keyboard. All of these mean the same code.
/// </summary>
public static class TypedReferenceCode
{
    /// <summary>Longer than any way of typing a code, so hostile input is refused before it is scanned.</summary>
    private const int MaxTypedLength = 64;

    /// <summary>"k7f3 9qx2" → "K7F3-9QX2"; null when it cannot be a reference code.</summary>
    public static string? Normalize(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed) || typed.Length > MaxTypedLength) return null;
        string folded;
        try { folded = typed.Normalize(NormalizationForm.FormKC); }
        catch (ArgumentException) { return null; } // a broken surrogate pair is not a code
        var letters = new StringBuilder(8);
        foreach (var c in folded)
        {
            if (char.IsWhiteSpace(c) || CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.DashPunctuation) continue;
            letters.Append(char.ToUpperInvariant(c));
        }
        if (letters.Length != 8) return null;
        var code = letters.ToString(0, 4) + "-" + letters.ToString(4, 4);
        return ReferenceCode.IsWellFormed(code) ? code : null;
    }
}
