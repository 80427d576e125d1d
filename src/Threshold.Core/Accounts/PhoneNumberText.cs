using PhoneNumbers;

namespace Threshold.Core.Accounts;

/// <summary>
/// Phone numbers as people type them. libphonenumber (Google's metadata of every country's
/// numbering plan) decides whether a number can exist; we decide what we accept as typing:
/// an international number (+ or 00, then the country code) of ASCII digits and the usual
/// separators, nothing else — no letters, no extension, no second +.
/// </summary>
public static class PhoneNumberText
{
    /// <summary>Longer than any number typed with separators, so hostile input never reaches the parser.</summary>
    private const int MaxTypedLength = 64;

    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>"+44 20 7946 0123" → "+442079460123"; null unless it is a valid international number.</summary>
    public static string? ToE164(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var typed = input.Trim();
        if (typed.Length > MaxTypedLength) return null;
        // "00" is the international call prefix in most of the world: the same as "+".
        if (typed.StartsWith("00", StringComparison.Ordinal)) typed = "+" + typed[2..].TrimStart();
        if (typed[0] != '+' || !typed.Skip(1).All(c => char.IsAsciiDigit(c) || IsSeparator(c)) || !typed.Any(char.IsAsciiDigit))
            return null;
        try
        {
            // No default region: a number without its country code is ambiguous, and refused above.
            var number = Util.Parse(typed, null);
            return Util.IsValidNumber(number) && !number.HasExtension ? Util.Format(number, PhoneNumberFormat.E164) : null;
        }
        catch (NumberParseException)
        {
            return null;
        }
    }

    /// <summary>"+442079460123" → "+44 20 7946 0123", grouped as people of that country write it; the input unchanged if it cannot be read.</summary>
    public static string ForDisplay(string e164)
    {
        try { return Util.Format(Util.Parse(e164, null), PhoneNumberFormat.INTERNATIONAL); }
        catch (NumberParseException) { return e164; }
    }

    /// <summary>Shaped like a phone number rather than an email or username: only digits and separators, optionally a leading +.</summary>
    public static bool LooksLikePhone(string input) =>
        input.Trim().TrimStart('+').All(c => char.IsAsciiDigit(c) || IsSeparator(c)) && input.Any(char.IsAsciiDigit);

    private static bool IsSeparator(char c) => c is ' ' or '-' or '.' or '(' or ')';
}
