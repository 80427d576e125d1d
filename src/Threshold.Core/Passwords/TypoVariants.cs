namespace Threshold.Core.Passwords;

/// <summary>The common, harmless typos we can recognise (Chatterjee et al., IEEE S&amp;P 2016).</summary>
public enum TypoKind
{
    /// <summary>Every letter's case flipped: typed with Caps Lock on.</summary>
    CapsLock,
    /// <summary>Only the first letter's case flipped: a phone keyboard's auto-capitalisation.</summary>
    FirstLetterCase,
    /// <summary>Curly quotes or long dashes that autocorrect put in place of ' " -.</summary>
    Autocorrect,
    /// <summary>A space or line break at the end, often from copying.</summary>
    TrailingWhitespace,
}

/// <summary>
/// The corrected forms of a typed password, most likely first. They depend only on
/// the typed text, never on the account, so an unknown account can be given exactly
/// the same amount of work.
/// </summary>
public static class TypoVariants
{
    private static readonly Dictionary<char, string> Autocorrected = new()
    {
        ['\u2018'] = "'", ['\u2019'] = "'", ['\u201A'] = "'", ['\u201B'] = "'",
        ['\u201C'] = "\"", ['\u201D'] = "\"", ['\u201E'] = "\"", ['\u201F'] = "\"",
        ['\u2013'] = "-", ['\u2014'] = "-",
    };

    public static IReadOnlyList<(TypoKind Kind, string Password)> Of(string typed)
    {
        var variants = new List<(TypoKind, string)>(4);
        void Add(TypoKind kind, string candidate)
        {
            if (candidate.Length > 0 && candidate != typed && variants.TrueForAll(v => v.Item2 != candidate))
                variants.Add((kind, candidate));
        }

        Add(TypoKind.CapsLock, InvertCase(typed));
        Add(TypoKind.FirstLetterCase, FlipFirstLetter(typed));
        if (typed.Any(Autocorrected.ContainsKey))
            Add(TypoKind.Autocorrect, string.Concat(typed.Select(c => Autocorrected.GetValueOrDefault(c, c.ToString()))));
        Add(TypoKind.TrailingWhitespace, WithoutTrailingBlank(typed));
        return variants;
    }

    /// <summary>
    /// A pasted line break goes entirely; otherwise one trailing space or tab. A password may
    /// really end in a space, so "pass \n" must become "pass ", not "pass".
    /// </summary>
    private static string WithoutTrailingBlank(string text)
    {
        var trimmed = text.TrimEnd('\r', '\n');
        if (trimmed.Length != text.Length) return trimmed;
        return text.Length > 0 && text[^1] is ' ' or '\t' ? text[..^1] : text;
    }

    private static string InvertCase(string text) => string.Create(text.Length, text, (span, source) =>
    {
        for (var i = 0; i < source.Length; i++) span[i] = Flip(source[i]);
    });

    private static string FlipFirstLetter(string text) =>
        text.Length > 0 && char.IsLetter(text[0]) ? Flip(text[0]) + text[1..] : text;

    /// <summary>Upper to lower and back, only where that is a one-to-one swap (so 'ß' and 'İ' stay as typed).</summary>
    private static char Flip(char c)
    {
        if (char.IsUpper(c)) { var lower = char.ToLowerInvariant(c); return char.ToUpperInvariant(lower) == c ? lower : c; }
        if (char.IsLower(c)) { var upper = char.ToUpperInvariant(c); return char.ToLowerInvariant(upper) == c ? upper : c; }
        return c;
    }
}
