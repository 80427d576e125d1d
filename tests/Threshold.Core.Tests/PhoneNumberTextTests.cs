using Threshold.Core.Accounts;

namespace Threshold.Core.Tests;

public class PhoneNumberTextTests
{
    [Theory]
    [InlineData("+44 20 7946 0123", "+442079460123")]
    [InlineData("+442079460123", "+442079460123")]
    [InlineData("0044 20 7946 0123", "+442079460123")]
    [InlineData("+44 (20) 7946-0123", "+442079460123")]
    [InlineData("+1.415.555.2671", "+14155552671")]
    [InlineData("+49 30 901820", "+4930901820")]
    [InlineData("+12345678", "+12345678")]             // 8 digits: the shortest accepted
    [InlineData("+123456789012345", "+123456789012345")] // 15 digits: E.164's longest
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
    [InlineData("+1234567")]            // 7 digits: too short
    [InlineData("+1234567890123456")]   // 16 digits: too long
    [InlineData("+44 20 7946 012a")]
    [InlineData("+44 20 7946 0123 ext 5")]
    [InlineData("++44 20 7946 0123")]
    [InlineData("+44+20 7946 0123")]
    [InlineData("+")]
    [InlineData("00")]
    [InlineData("+٤٤٢٠٧٩٤٦٠١٢٣")]       // Arabic-Indic digits are not ASCII digits
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
        foreach (var input in new[] { new string('9', 10_000), "+" + new string('1', 5000), "\uD800", "+\uD83D\uDE00", "\0", "+4\u0301" })
        {
            _ = PhoneNumberText.LooksLikePhone(input);
            _ = PhoneNumberText.ToE164(input);
        }
        Assert.Null(PhoneNumberText.ToE164(new string('9', 10_000)));
    }
}
