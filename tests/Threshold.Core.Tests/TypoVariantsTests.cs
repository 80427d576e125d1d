using Threshold.Core.Passwords;

namespace Threshold.Core.Tests;

public class TypoVariantsTests
{
    private static string? VariantOf(string typed, TypoKind kind) =>
        TypoVariants.Of(typed).Where(v => v.Kind == kind).Select(v => v.Password).Cast<string?>().SingleOrDefault();

    [Theory]
    [InlineData("pASSWORD", "Password")]
    [InlineData("cORRECT hORSE 42!", "Correct Horse 42!")]
    [InlineData("Passw0rd!#", "pASSW0RD!#")]
    [InlineData("äRGER über ÖL", "Ärger ÜBER öl")]
    [InlineData("ΚΑΛΗΜΕΡΑ", "καλημερα")]
    public void Caps_lock_flips_every_letter_and_leaves_digits_and_symbols(string typed, string expected) =>
        Assert.Equal(expected, VariantOf(typed, TypoKind.CapsLock));

    [Fact]
    public void Caps_lock_variant_keeps_every_non_letter_in_place()
    {
        const string typed = "0123456789 !\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ aB";
        var flipped = VariantOf(typed, TypoKind.CapsLock)!;
        Assert.Equal(typed.Length, flipped.Length);
        Assert.Equal(typed[..^2], flipped[..^2]);
        Assert.EndsWith("Ab", flipped);
    }

    [Theory]
    [InlineData("ß straße")] // no one-to-one upper case: stays as typed
    [InlineData("İstanbul")]
    public void Letters_without_a_one_to_one_case_partner_stay_as_typed(string typed)
    {
        var flipped = VariantOf(typed, TypoKind.CapsLock);
        Assert.NotNull(flipped);
        Assert.Equal(typed.Length, flipped.Length);
        Assert.Equal(typed[0], flipped[0]);
    }

    [Theory]
    [InlineData("password1", "Password1")]
    [InlineData("Password1", "password1")]
    [InlineData("élan vital", "Élan vital")]
    public void First_letter_flip_changes_only_the_first_character(string typed, string expected) =>
        Assert.Equal(expected, VariantOf(typed, TypoKind.FirstLetterCase));

    [Theory]
    [InlineData("1password")]
    [InlineData("!Password")]
    [InlineData(" password")]
    public void No_first_letter_variant_when_the_password_does_not_start_with_a_letter(string typed) =>
        Assert.Null(VariantOf(typed, TypoKind.FirstLetterCase));

    [Theory]
    [InlineData("don\u2018t", "don't")]
    [InlineData("don\u2019t", "don't")]
    [InlineData("low\u201Aquote", "low'quote")]
    [InlineData("say \u201Chi\u201D", "say \"hi\"")]
    [InlineData("\u201Elow\u201C", "\"low\"")]
    [InlineData("well\u2013known", "well-known")]
    [InlineData("em\u2014dash", "em-dash")]
    [InlineData("It\u2019s \u201Cfine\u201D \u2013 ok\u2014really \u201Ax\u201E", "It's \"fine\" - ok-really 'x\"")]
    public void Autocorrect_replaces_curly_quotes_and_long_dashes_with_plain_ones(string typed, string expected) =>
        Assert.Equal(expected, VariantOf(typed, TypoKind.Autocorrect));

    [Theory]
    [InlineData("plain 'quotes' and - dashes")]
    [InlineData("nothing to correct")]
    public void No_autocorrect_variant_without_curly_characters(string typed) =>
        Assert.Null(VariantOf(typed, TypoKind.Autocorrect));

    [Theory]
    [InlineData("secret words ", "secret words")]
    [InlineData("secret words\n", "secret words")]
    [InlineData("secret words\r\n", "secret words")]
    [InlineData("secret words\t", "secret words")]
    public void A_trailing_space_or_newline_is_removed(string typed, string expected) =>
        Assert.Equal(expected, VariantOf(typed, TypoKind.TrailingWhitespace));

    [Fact]
    public void Leading_and_inner_spaces_are_kept()
    {
        Assert.Null(VariantOf(" secret words", TypoKind.TrailingWhitespace));
        Assert.Equal(" secret  words", VariantOf(" secret  words ", TypoKind.TrailingWhitespace));
    }

    /// <summary>
    /// A password may end in a space (nothing is trimmed, ASVS 6.2.8). Pasted with a line
    /// break after it, removing the trailing line break gives the password back; removing
    /// every trailing blank does not.
    /// </summary>
    [Fact]
    public void A_newline_after_a_password_that_ends_in_a_space_yields_the_password()
    {
        const string stored = "quiet harbour lantern ";
        Assert.Contains(stored, TypoVariants.Of(stored + "\n").Select(v => v.Password));
    }

    [Fact]
    public void Variants_come_most_likely_first()
    {
        var kinds = TypoVariants.Of("don\u2019t Panic 42\n").Select(v => v.Kind).ToList();
        Assert.Equal([TypoKind.CapsLock, TypoKind.FirstLetterCase, TypoKind.Autocorrect, TypoKind.TrailingWhitespace], kinds);
    }

    public static TheoryData<string> Awkward => new()
    {
        "",
        " ",
        "\n",
        "a",
        "A",
        "1234567890",
        "!!!",
        "Password",
        "don\u2019t Panic 42\n",
        new string('a', 256),
        new string('Z', 1000) + "\u2019 \n",
        string.Concat(Enumerable.Repeat("aB\u2013", 400)),
        "\uD800",                 // a lone high surrogate
        "\uDC00abc",              // a lone low surrogate first
        "ab\uD83Dc\uDE00",        // both halves, in the wrong places
        "x\uD83D",                // high surrogate at the end
        "\uD83D\uDE00emoji\uD83D\uDE00", // a proper pair
        "e\u0301le\u0300ve",      // combining accents
        "\u0301\u0301\u0301",     // only combining marks
        "A\u0308\u0332bc",        // stacked marks after a letter
        "\u00DF\u0130\u017F\u212A\u01C5\u03C2", // ß İ ſ K ǅ ς
        "\0\u0001\u007F",
        "\uFFFD\uFEFF\u200B",
    };

    [Theory]
    [MemberData(nameof(Awkward))]
    public void Never_throws_never_repeats_the_typed_text_and_never_repeats_itself(string typed)
    {
        var variants = TypoVariants.Of(typed);
        Assert.True(variants.Count <= 4, $"{variants.Count} variants");
        Assert.DoesNotContain(typed, variants.Select(v => v.Password));
        Assert.Equal(variants.Count, variants.Select(v => v.Password).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(variants.Count, variants.Select(v => v.Kind).Distinct().Count());
        Assert.All(variants, v => Assert.NotEqual("", v.Password));
    }

    [Fact]
    public void An_empty_password_has_no_variants() => Assert.Empty(TypoVariants.Of(""));

    [Fact]
    public void Only_whitespace_gives_no_empty_variant()
    {
        Assert.Empty(TypoVariants.Of("\n"));
        Assert.Empty(TypoVariants.Of(" "));
        // A pasted line break goes, the spaces before it may be part of the password.
        Assert.Equal([(TypoKind.TrailingWhitespace, "  ")], TypoVariants.Of("  \n"));
    }

    [Fact]
    public void A_single_letter_gives_one_variant_not_two_equal_ones()
    {
        var variant = Assert.Single(TypoVariants.Of("a"));
        Assert.Equal((TypoKind.CapsLock, "A"), variant);
    }

    [Fact]
    public void A_password_without_letters_or_typos_has_no_variants() =>
        Assert.Empty(TypoVariants.Of("1234-5678 !?"));

    [Fact]
    public void Long_passwords_keep_their_length()
    {
        var typed = new string('q', 300) + "W";
        var caps = VariantOf(typed, TypoKind.CapsLock)!;
        Assert.Equal(301, caps.Length);
        Assert.Equal(new string('Q', 300) + "w", caps);
    }

    [Fact]
    public void Unpaired_surrogates_are_copied_unchanged()
    {
        var caps = VariantOf("ab\uD800cd", TypoKind.CapsLock);
        Assert.Equal("AB\uD800CD", caps);
    }

    [Fact]
    public void Combining_marks_stay_attached_to_their_letter()
    {
        Assert.Equal("E\u0301LE\u0300VE", VariantOf("e\u0301le\u0300ve", TypoKind.CapsLock));
        Assert.Equal("E\u0301le\u0300ve", VariantOf("e\u0301le\u0300ve", TypoKind.FirstLetterCase));
    }
}
