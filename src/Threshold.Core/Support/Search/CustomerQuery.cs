using PhoneNumbers;
using Threshold.Core.Accounts;
using Threshold.Core.Errors;

namespace Threshold.Core.Support.Search;

/// <summary>What a search looks like, and so which columns it is compared with.</summary>
public enum QueryShape
{
    /// <summary>A reference code or request number ("K7F3-9QX2", "k7f39qx2").</summary>
    Reference,
    Email,
    Phone,
    Username,
}

/// <summary>
/// A search typed into the console, read into exact values to compare. Nothing in it is a
/// pattern: '%', '_', '*' and quotes are characters like any other, so a search can only ever
/// find a row whose column holds exactly that value (after the same normalisation as sign-in).
/// </summary>
/// <param name="Shape">What it looks like most: a code, then a phone number, else a username.</param>
/// <param name="Username">The normalised text compared with usernames. Usernames may look like a
/// reference code or be all digits, so those shapes are compared with usernames too.</param>
/// <param name="Email">The normalised address (an email shape only).</param>
/// <param name="Reference">The code in its canonical form "XXXX-XXXX" (a reference shape only).</param>
/// <param name="Phones">E.164 numbers the text can mean (a phone shape only; a national number can mean one per country).</param>
public sealed record CustomerQuery(QueryShape Shape, string? Username, string? Email, string? Reference, IReadOnlyList<string> Phones)
{
    /// <summary>Long enough for any email address (254) or typed phone number; longer text never reaches the database.</summary>
    public const int MaxLength = 256;

    /// <summary>Reads the text, or says which rule it breaks (field "Q").</summary>
    public static (CustomerQuery? Query, FieldProblem? Problem) Read(string? typed)
    {
        if (string.IsNullOrWhiteSpace(typed)) return (null, new("Q", "search.missing"));
        if (typed.Length > MaxLength) return (null, new("Q", "search.too_long"));
        var cleaned = Identifiers.Clean(typed);
        // NFKC can lengthen text (one ligature becomes several letters); the bound holds after it too.
        if (cleaned.Length > MaxLength) return (null, new("Q", "search.too_long"));
        // Control characters and broken surrogates match nothing, and NUL is refused by PostgreSQL: say so instead.
        if (Identifiers.HasControlCharacters(cleaned)) return (null, new("Q", "search.invalid"));

        var normalized = cleaned.ToUpperInvariant();
        // An email cannot be a username (registration refuses '@' in usernames), nor a code or a number.
        if (Identifiers.LooksLikeEmail(cleaned)) return (new(QueryShape.Email, null, normalized, null, []), null);
        // "23456789" is a code, a number and a username at once: each reading is looked up.
        var reference = LooseReference(cleaned);
        var phones = PhoneNumberText.LooksLikePhone(cleaned) ? PhoneCandidates(cleaned) : [];
        var shape = reference is not null ? QueryShape.Reference : PhoneNumberText.LooksLikePhone(cleaned) ? QueryShape.Phone : QueryShape.Username;
        return (new(shape, normalized, null, reference, phones), null);
    }

    /// <summary>
    /// People read codes aloud and retype them: any case, with or without the hyphen. Eight
    /// characters of the code alphabet become the canonical "XXXX-XXXX"; anything else is not a code.
    /// </summary>
    public static string? LooseReference(string typed)
    {
        var compact = typed.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant();
        if (compact.Length != 8 || !compact.All(ReferenceCode.Alphabet.Contains)) return null;
        return compact[..4] + "-" + compact[4..];
    }

    private static readonly PhoneNumberUtil PhoneUtil = PhoneNumberUtil.GetInstance();

    /// <summary>
    /// An international number means one E.164 number. A number typed the national way ("07700
    /// 900123") has no country, and Threshold has no home country: it means every number it is
    /// valid as, one per country at most, and the results show each account's number in full.
    /// </summary>
    private static IReadOnlyList<string> PhoneCandidates(string typed)
    {
        if (PhoneNumberText.ToE164(typed) is { } e164) return [e164];
        var trimmed = typed.Trim();
        if (trimmed.StartsWith('+') || trimmed.StartsWith("00", StringComparison.Ordinal)) return [];
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var region in PhoneUtil.GetSupportedRegions())
        {
            try
            {
                var number = PhoneUtil.Parse(trimmed, region);
                if (!number.HasExtension && PhoneUtil.IsValidNumberForRegion(number, region))
                    found.Add(PhoneUtil.Format(number, PhoneNumberFormat.E164));
            }
            catch (NumberParseException) { }
        }
        return found.ToList();
    }
}
