using System.Text.RegularExpressions;
using Threshold.Core.Errors;

namespace Threshold.Core.Tests;

public class ReferenceCodeTests
{
    private static readonly Regex Shape = new("^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$");

    [Fact]
    public void Alphabet_has_no_look_alikes()
    {
        Assert.Equal(32, ReferenceCode.Alphabet.Length);
        Assert.Equal(32, ReferenceCode.Alphabet.Distinct().Count());
        foreach (var c in "IO01") Assert.DoesNotContain(c, ReferenceCode.Alphabet);
        Assert.All(ReferenceCode.Alphabet, c => Assert.True(c is (>= 'A' and <= 'Z') or (>= '2' and <= '9')));
    }

    [Fact]
    public void New_codes_read_XXXX_dash_XXXX()
    {
        for (var i = 0; i < 500; i++)
        {
            var code = ReferenceCode.New();
            Assert.Matches(Shape, code);
            Assert.DoesNotContain('I', code);
            Assert.DoesNotContain('O', code);
            Assert.DoesNotContain('0', code);
            Assert.DoesNotContain('1', code);
        }
    }

    [Fact]
    public void New_codes_are_well_formed()
    {
        for (var i = 0; i < 500; i++) Assert.True(ReferenceCode.IsWellFormed(ReferenceCode.New()));
    }

    [Fact]
    public void Thousand_codes_are_distinct()
    {
        // 32^8 = 2^40 possibilities: a collision among 1000 has probability ~5e-7.
        var codes = Enumerable.Range(0, 1000).Select(_ => ReferenceCode.New()).ToHashSet();
        Assert.Equal(1000, codes.Count);
    }

    [Fact]
    public void Codes_use_the_whole_alphabet()
    {
        var seen = Enumerable.Range(0, 2000).SelectMany(_ => ReferenceCode.New().Replace("-", "")).ToHashSet();
        Assert.Equal(ReferenceCode.Alphabet.ToHashSet(), seen);
    }

    [Theory]
    [InlineData("K7F3-9QX2")]
    [InlineData("AAAA-2222")]
    [InlineData("ZZZZ-9999")]
    public void IsWellFormed_accepts_valid_codes(string code) => Assert.True(ReferenceCode.IsWellFormed(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("K7F39QX2")] // no hyphen
    [InlineData("K7F3-9QX")] // short
    [InlineData("K7F3-9QX22")] // long
    [InlineData("K7F-39QX2")] // hyphen misplaced
    [InlineData("K7F3_9QX2")]
    [InlineData("K7F3-9QX0")] // zero
    [InlineData("K7F3-9QX1")] // one
    [InlineData("I7F3-9QX2")] // I
    [InlineData("O7F3-9QX2")] // O
    [InlineData("k7f3-9qx2")] // lower case
    [InlineData(" K7F3-9QX2")]
    [InlineData("K7F3-9QX2 ")]
    [InlineData("K7F3--QX2")]
    [InlineData("K7F3-9Q\u00C52")]
    public void IsWellFormed_rejects_bad_codes(string? code) => Assert.False(ReferenceCode.IsWellFormed(code));
}
