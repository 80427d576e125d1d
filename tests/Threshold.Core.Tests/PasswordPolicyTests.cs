using Microsoft.Extensions.Options;
using Threshold.Core.Passwords;

namespace Threshold.Core.Tests;

public class PasswordPolicyTests
{
    private static readonly CommonPasswords Common = new(30000);
    private readonly PasswordPolicy _policy = new(Options.Create(new PasswordSettings()), Common);

    private static readonly string?[] NoContext = [];

    private PasswordProblem? Check(string? password, params string?[] context) => _policy.Check(password, context);

    [Fact]
    public void Defaults_are_8_and_256()
    {
        Assert.Equal(8, _policy.MinLength);
        Assert.Equal(256, _policy.MaxLength);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Missing_password(string? password) =>
        Assert.Equal(PasswordProblem.Missing, _policy.Check(password, NoContext));

    [Theory]
    [InlineData("a")]
    [InlineData("kq7#zpw")] // 7
    public void Shorter_than_8_is_too_short(string password) =>
        Assert.Equal(PasswordProblem.TooShort, Check(password));

    [Fact]
    public void Exactly_8_is_long_enough() => Assert.Null(Check("kq7#zpwx"));

    [Fact]
    public void Length_counts_user_perceived_characters_not_utf16_units()
    {
        // 👍🏽 is one character to a person but four UTF-16 units.
        const string thumb = "\U0001F44D\U0001F3FD";
        Assert.Equal(4, thumb.Length);
        Assert.Equal(PasswordProblem.TooShort, Check(string.Concat(Enumerable.Repeat(thumb, 7))));
        Assert.Null(Check(string.Concat(Enumerable.Repeat(thumb, 8))));
    }

    [Fact]
    public void Decomposed_accents_count_once()
    {
        // "e" + combining acute, seven times: 14 UTF-16 units, 7 characters.
        var password = string.Concat(Enumerable.Repeat("e\u0301", 7));
        Assert.Equal(PasswordProblem.TooShort, Check(password));
    }

    [Fact]
    public void Max_length_is_256_user_perceived_characters()
    {
        var words = "vivid lantern orbit crumble ";
        string Of(int n) => string.Concat(Enumerable.Repeat(words, 20))[..n];
        Assert.Null(Check(Of(256)));
        Assert.Equal(PasswordProblem.TooLong, Check(Of(257)));
    }

    [Fact]
    public void Max_length_counts_emoji_as_one_each()
    {
        // 256 family emoji: 2816 UTF-16 units but 256 characters.
        const string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467\u200D\U0001F466";
        Assert.Null(Check(string.Concat(Enumerable.Repeat(family, 256))));
        Assert.Equal(PasswordProblem.TooLong, Check(string.Concat(Enumerable.Repeat(family, 257))));
    }

    [Theory]
    [InlineData("correct horse battery staple lamp")]
    [InlineData("Caf\u00E9 cr\u00E8me br\u00FBl\u00E9e \U0001F36E sous la pluie \u2614")]
    [InlineData("\u79C1\u306E\u30D1\u30B9\u30EF\u30FC\u30C9\u306F\u9577\u3044\u3067\u3059")] // Japanese
    [InlineData("        spaces    are   fine  ")]
    [InlineData(" leading and trailing spaces kept ")]
    public void Spaces_and_any_unicode_are_allowed(string password) => Assert.Null(Check(password, "alice", "alice@example.com"));

    [Fact]
    public void No_composition_rules_all_lowercase_passphrase_accepted() =>
        Assert.Null(Check("glimmering teapot ocean kettle", "bob", "bob@example.com"));

    [Fact]
    public void No_composition_rules_all_lowercase_letters_only_accepted() =>
        Assert.Null(Check("qzvmtrplkwnbdfgh"));

    [Theory]
    [InlineData("correct horse\tbattery")]
    [InlineData("correct horse\nbattery")]
    [InlineData("correct horse\rbattery")]
    [InlineData("correct\u0000horse battery")]
    [InlineData("correct\u007Fhorse battery")]
    [InlineData("correct\u0085horse battery")]
    [InlineData("correct\uFFFDhorse battery")]
    public void Control_characters_are_refused(string password) =>
        Assert.Equal(PasswordProblem.ControlCharacters, Check(password));

    [Theory]
    [InlineData("password")]
    [InlineData("12345678")]
    [InlineData("iloveyou")]
    [InlineData("PASSWORD")] // compared ignoring case
    [InlineData("Password")]
    [InlineData("qwertyuiop")]
    [InlineData("sunshine")]
    public void Common_passwords_are_refused(string password) =>
        Assert.Equal(PasswordProblem.Common, Check(password));

    [Theory]
    [InlineData("Password123!")]
    [InlineData("password2024")]
    [InlineData("iloveyou!!")]
    [InlineData("sunshine#1")]
    public void Common_password_with_digits_or_punctuation_appended_is_refused(string password) =>
        Assert.Equal(PasswordProblem.Common, Check(password));

    [Fact]
    public void Common_check_uses_NFKC_form()
    {
        // Full-width "ｐａｓｓｗｏｒｄ" is "password" after NFKC.
        Assert.Equal(PasswordProblem.Common, Check("\uFF50\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44"));
    }

    [Theory]
    [InlineData("alice2024!")]
    [InlineData("Alice2024")]
    [InlineData("ALICE_alice")]
    [InlineData("2024alice!")]
    public void Password_built_from_username_is_refused(string password) =>
        Assert.Equal(PasswordProblem.ContainsContextWord, Check(password, "alice", "someone@example.com"));

    [Fact]
    public void Password_built_from_part_of_a_dotted_username_is_refused() =>
        Assert.Equal(PasswordProblem.ContainsContextWord, Check("gregorson77", "bram.gregorson", "b@example.com"));

    [Theory]
    [InlineData("zelda.morgan1990")]
    [InlineData("Zelda.Morgan!!")]
    public void Password_built_from_email_local_part_is_refused(string password) =>
        Assert.Equal(PasswordProblem.ContainsContextWord, Check(password, "zm77", "zelda.morgan@example.com"));

    [Fact]
    public void Password_built_from_email_local_part_simple() =>
        Assert.Equal(PasswordProblem.ContainsContextWord, Check("quinlan2024", "somebody", "quinlan@mailbox.org"));

    [Theory]
    [InlineData("threshold2024")]
    [InlineData("Threshold!2024")]
    [InlineData("mythreshold1")]
    public void Password_built_from_service_name_is_refused(string password) =>
        Assert.Equal(PasswordProblem.ContainsContextWord, Check(password, "alice", "alice@example.com"));

    [Fact]
    public void Service_words_come_from_settings()
    {
        var policy = new PasswordPolicy(Options.Create(new PasswordSettings { ServiceWords = ["acmebank"] }), Common);
        Assert.Equal(PasswordProblem.ContainsContextWord, policy.Check("acmebank2024", NoContext));
        Assert.Null(policy.Check("threshold2024", NoContext));
    }

    [Fact]
    public void Long_passphrase_that_merely_contains_the_username_is_accepted() =>
        Assert.Null(Check("alice walks her spaniel along the river at dawn", "alice", "alice@example.com"));

    [Fact]
    public void Long_passphrase_that_merely_contains_the_service_name_is_accepted() =>
        Assert.Null(Check("the threshold of a quiet blue mountain cabin", "alice", "alice@example.com"));

    [Fact]
    public void Same_password_is_fine_for_an_unrelated_account()
    {
        Assert.Equal(PasswordProblem.ContainsContextWord, Check("quinlan2024", "quinlan", "q@example.com"));
        Assert.Null(Check("quinlan2024", "marguerite", "marguerite@example.com"));
    }

    [Fact]
    public void Null_and_blank_context_words_are_ignored() =>
        Assert.Null(Check("glimmering teapot ocean kettle", null, "", "   "));

    [Fact]
    public void Short_context_words_are_ignored()
    {
        // "ab" and "cd" (< 3 letters) are not context words, though each would be "half" of these.
        Assert.Null(Check("ab!!!!!!", "ab.cd", "ab@cd.io"));
        Assert.Null(Check("cd??!!??", "ab.cd", "ab@cd.io"));
        // A 3-letter word is.
        Assert.Equal(PasswordProblem.ContainsContextWord, Check("abc!!!!!", "abc.de", "x@y.io"));
    }

    [Fact]
    public void Custom_min_length_is_honoured()
    {
        var policy = new PasswordPolicy(Options.Create(new PasswordSettings { MinLength = 15 }), Common);
        Assert.Equal(PasswordProblem.TooShort, policy.Check("kq7#zpwxmn4!rt", NoContext)); // 14
        Assert.Null(policy.Check("kq7#zpwxmn4!rtv", NoContext)); // 15
    }
}
