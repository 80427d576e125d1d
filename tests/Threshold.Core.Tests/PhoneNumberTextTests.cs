using Threshold.Core.Accounts;

namespace Threshold.Core.Tests;

/// <summary>What libphonenumber (the numbering plans of every country) says is a real number, typed internationally.</summary>
public class PhoneNumberTextTests
{
    [Theory]
    [InlineData("+44 20 7946 0123", "+442079460123")]   // London fixed line (Ofcom's drama range)
    [InlineData("+442079460123", "+442079460123")]
    [InlineData("0044 20 7946 0123", "+442079460123")]  // 00: the international prefix
    [InlineData("00 44 20 7946 0123", "+442079460123")]
    [InlineData("+44 (20) 7946-0123", "+442079460123")]
    [InlineData("+44 (0)20 7946 0123", "+442079460123")] // the national trunk 0 written in brackets
    [InlineData("+44 020 7946 0123", "+442079460123")]
    [InlineData("+44 7911 123456", "+447911123456")]    // UK mobile
    [InlineData("+1.415.555.2671", "+14155552671")]
    [InlineData("+1 (415) 555-2671", "+14155552671")]
    [InlineData("+1 202 555 0100", "+12025550100")]     // NANP's fictional 555-01xx
    [InlineData("+49 30 901820", "+4930901820")]        // Berlin: a short fixed-line number
    [InlineData("+33 6 12 34 56 78", "+33612345678")]
    [InlineData("+351 912 345 678", "+351912345678")]
    [InlineData("  +44 20 7946 0123  ", "+442079460123")]
    public void International_numbers_become_E164(string input, string expected) =>
        Assert.Equal(expected, PhoneNumberText.ToE164(input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("020 7946 0123")]        // national form: no country code
    [InlineData("07946 012345")]
    [InlineData("+0 20 7946 0123")]     // country codes never start with 0
    [InlineData("+1234567")]            // too short for any plan
    [InlineData("+12345678")]           // E.164-shaped, but no such number in North America
    [InlineData("+123456789012345")]    // 15 digits: E.164's longest, still not a real number
    [InlineData("+1234567890123456")]   // 16 digits: too long
    [InlineData("+44 20 7946")]         // a London number cut short
    [InlineData("+44 20 7946 01234")]   // one digit too many
    [InlineData("+44 7700 900123")]     // Ofcom's drama mobile range: not in libphonenumber's plan
    [InlineData("+1 555 555 0100")]     // 555 is not a North American area code
    [InlineData("+999 1234 5678")]      // no such country code
    [InlineData("+44 20 7946 012a")]
    [InlineData("+1 800 FLOWERS")]      // letters are not read as digits
    [InlineData("+44 20 7946 0123 ext 5")]
    [InlineData("+44 20 7946 0123 #5")]
    [InlineData("+44 20 7946 0123;ext=5")]
    [InlineData("tel:+442079460123")]
    [InlineData("++44 20 7946 0123")]
    [InlineData("+44+20 7946 0123")]
    [InlineData("+")]
    [InlineData("00")]
    [InlineData("+٤٤٢٠٧٩٤٦٠١٢٣")]       // Arabic-Indic digits: libphonenumber would read them, we keep to ASCII
    [InlineData("+44\u00A020 7946 0123")] // a no-break space is not a separator here (Identifiers.Clean turns it into a space first)
    [InlineData("someone@example.com")]
    public void Anything_else_is_not_a_phone_number(string? input) =>
        Assert.Null(PhoneNumberText.ToE164(input));

    [Theory]
    [InlineData("+44 20 7946 0123")]
    [InlineData("0044 20 7946 0123")]
    [InlineData("020 7946 0123")]
    [InlineData("(020) 7946-0123")]
    [InlineData("+1.415.555.2671")]
    [InlineData("12")]
    [InlineData("+44")]
    public void Digits_and_separators_look_like_a_phone_number(string input) =>
        Assert.True(PhoneNumberText.LooksLikePhone(input));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("+")]
    [InlineData("()-. ")]
    [InlineData("someone@example.com")]
    [InlineData("person_1234")]
    [InlineData("1234abc")]
    [InlineData("+44 20 7946 0123 x")]
    [InlineData("+44-20-7946-0123@example.com")]
    public void Emails_usernames_and_punctuation_do_not_look_like_a_phone_number(string input) =>
        Assert.False(PhoneNumberText.LooksLikePhone(input));

    [Fact]
    public void Hostile_input_never_throws()
    {
        foreach (var input in new[] { new string('9', 10_000), "+" + new string('1', 5000), "+" + new string(' ', 60) + "4", "\uD800", "+\uD83D\uDE00", "\0", "+4\u0301",
                     "+44 " + string.Join(" ", Enumerable.Repeat("7946 0123", 40)), "00", "0000000", "+(((((((", "+-.-.-.-" })
        {
            _ = PhoneNumberText.LooksLikePhone(input);
            _ = PhoneNumberText.ToE164(input);
        }
        Assert.Null(PhoneNumberText.ToE164(new string('9', 10_000)));
        Assert.Null(PhoneNumberText.ToE164("+" + new string('1', 5000)));
    }

    [Theory]
    [InlineData("+442079460123", "+44 20 7946 0123")]
    [InlineData("+14155552671", "+1 415-555-2671")]
    [InlineData("+33612345678", "+33 6 12 34 56 78")]
    [InlineData("not a number", "not a number")]
    public void Numbers_are_shown_grouped_the_way_their_country_writes_them(string e164, string shown) =>
        Assert.Equal(shown, PhoneNumberText.ForDisplay(e164));
}
