namespace Threshold.Core.Accounts;

public static class PhoneNumberText
{
    /// <summary>"+44 20 7946 0123" → "+442079460123"; null unless it is an international number of 8–15 digits.</summary>
    public static string? ToE164(string? input)
    {
        if (string.IsNullOrWhiteSpace(input)) return null;
        var compact = new string(input.Where(c => !(c is ' ' or '-' or '.' or '(' or ')')).ToArray());
        if (compact.StartsWith("00", StringComparison.Ordinal)) compact = "+" + compact[2..];
        return compact.Length is >= 9 and <= 16 && compact[0] == '+' && compact[1] != '0' && compact[1..].All(char.IsAsciiDigit)
            ? compact : null;
    }

    /// <summary>Shaped like a phone number rather than an email or username: only digits and separators, optionally a leading +.</summary>
    public static bool LooksLikePhone(string input) =>
        input.Trim().TrimStart('+').All(c => char.IsAsciiDigit(c) || c is ' ' or '-' or '.' or '(' or ')') && input.Any(char.IsAsciiDigit);
}
