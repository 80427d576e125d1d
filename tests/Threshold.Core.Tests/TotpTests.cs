using Threshold.Core.Factors.Totp;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>RFC 6238 codes checked against oathtool, an independent implementation, at a fixed instant.</summary>
public class TotpCodesTests
{
    private const string Key = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
    private static readonly DateTimeOffset Now = TwoFactorRig.Now; // 2026-11-29 10:00:00 UTC
    private static readonly long StepNow = Now.ToUnixTimeSeconds() / 30;
    private static byte[] Secret => TotpCodes.FromBase32(Key);

    [Fact]
    public void The_code_oathtool_computes_for_now_is_accepted_for_the_current_step()
    {
        var code = Oathtool.Totp(Key, Now);
        Assert.Equal(StepNow, TotpCodes.MatchingStep(Secret, code, Now));
    }

    [Fact]
    public void Codes_oathtool_computes_for_fresh_random_keys_are_accepted()
    {
        for (var i = 0; i < 5; i++)
        {
            var secret = TotpCodes.NewSecret();
            var base32 = TotpCodes.ToBase32(secret);
            Assert.Equal(StepNow, TotpCodes.MatchingStep(secret, Oathtool.Totp(base32, Now), Now));
            // Our base32 reads back to the same key.
            Assert.Equal(secret, TotpCodes.FromBase32(base32));
        }
    }

    [Fact]
    public void A_code_is_accepted_anywhere_in_its_30_second_step()
    {
        var code = Oathtool.Totp(Key, Now);
        Assert.Equal(StepNow, TotpCodes.MatchingStep(Secret, code, Now.AddSeconds(29)));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void A_code_one_step_early_or_late_is_accepted_for_its_own_step(int steps)
    {
        var code = Oathtool.Totp(Key, Now.AddSeconds(30 * steps));
        Assert.Equal(StepNow + steps, TotpCodes.MatchingStep(Secret, code, Now));
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    [InlineData(-3)]
    [InlineData(10)]
    public void A_code_two_or_more_steps_away_is_refused(int steps)
    {
        var code = Oathtool.Totp(Key, Now.AddSeconds(30 * steps));
        // The fixed key's codes around now all differ, so this refusal is about the window.
        Assert.DoesNotContain(code, new[] { -1, 0, 1 }.Select(s => Oathtool.Totp(Key, Now.AddSeconds(30 * s))));
        Assert.Null(TotpCodes.MatchingStep(Secret, code, Now));
    }

    [Fact]
    public void A_code_for_another_key_is_refused()
    {
        var other = TotpCodes.NewSecret();
        var code = Oathtool.Totp(Key, Now);
        if (new[] { -1, 0, 1 }.Any(s => Oathtool.Totp(TotpCodes.ToBase32(other), Now.AddSeconds(30 * s)) == code)) return; // 1 in 333,000
        Assert.Null(TotpCodes.MatchingStep(other, code, Now));
    }

    [Theory]
    [InlineData("{0} {1}")]
    [InlineData("{0}-{1}")]
    [InlineData(" {0}{1} ")]
    [InlineData("{0}\u00A0{1}")]
    public void Spaces_and_dashes_are_ignored(string layout)
    {
        var code = Oathtool.Totp(Key, Now);
        var typed = string.Format(layout, code[..3], code[3..]);
        Assert.Equal(StepNow, TotpCodes.MatchingStep(Secret, typed, Now));
        Assert.Equal(code, TotpCodes.Normalize(typed));
    }

    [Fact]
    public void Spaces_between_every_digit_are_ignored()
    {
        var code = Oathtool.Totp(Key, Now);
        Assert.Equal(StepNow, TotpCodes.MatchingStep(Secret, string.Join(' ', code.ToCharArray()), Now));
    }

    public static TheoryData<string?> NotCodes()
    {
        var code = Oathtool.Totp(Key, Now);
        return new TheoryData<string?>
        {
            "", "      ",
            code[..5],                              // 5 digits
            code + "0",                             // 7 digits
            code + new string('0', 94),             // 100 digits, starting with the right code
            new string('1', 100),
            code[..5] + "a",                        // a letter
            "abcdef",
            code[..3] + "O" + code[4..],            // letter O for a zero
            string.Concat(code.Select(c => (char)(c - '0' + '\uFF10'))), // full-width digits
            string.Concat(code.Select(c => (char)(c - '0' + '\u0660'))), // Arabic-Indic digits
            code[..3] + "." + code[3..],
            "+" + code,
        };
    }

    [Theory]
    [MemberData(nameof(NotCodes))]
    [InlineData(null)]
    public void Anything_but_six_digits_is_refused(string? typed)
    {
        Assert.Null(TotpCodes.Normalize(typed));
        Assert.Null(TotpCodes.MatchingStep(Secret, typed, Now));
    }

    [Fact]
    public void New_secrets_are_160_random_bits_shown_as_32_base32_characters()
    {
        var secrets = Enumerable.Range(0, 20).Select(_ => TotpCodes.NewSecret()).ToList();
        Assert.All(secrets, s => Assert.Equal(20, s.Length));
        Assert.Equal(20, secrets.Select(Convert.ToHexString).Distinct().Count());
        Assert.All(secrets, s => Assert.Matches("^[A-Z2-7]{32}$", TotpCodes.ToBase32(s)));
    }

    [Fact]
    public void The_key_for_reading_comes_in_groups_of_four()
    {
        Assert.Equal("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP", TotpCodes.ForReading(Key));
    }

    [Fact]
    public void The_uri_names_the_issuer_and_account_and_carries_the_key_and_parameters()
    {
        var uri = TotpCodes.Uri(Key, "Threshold", "alice");
        Assert.StartsWith("otpauth://totp/", uri);
        Assert.Contains("secret=" + Key, uri);
        Assert.Contains("issuer=Threshold", uri);
        Assert.Contains("alice", uri);
        Assert.Contains("digits=6", uri);
        Assert.Contains("period=30", uri);
    }
}
