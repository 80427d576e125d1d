using Microsoft.AspNetCore.Identity;
using Threshold.Core.Activity;
using Threshold.Core.Factors.BackupCodes;

namespace Threshold.Core.Tests;

public class BackupCodeFormatTests
{
    [Fact]
    public void Codes_read_xxxx_xxxx_xx_in_lower_case_base32()
    {
        for (var i = 0; i < 200; i++)
            Assert.Matches("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{2}$", BackupCodeFormat.New());
    }

    [Fact]
    public void Codes_carry_50_bits_ten_characters_from_all_32_symbols()
    {
        var characters = Enumerable.Range(0, 2000).SelectMany(_ => BackupCodeFormat.New().Replace("-", "")).ToList();
        Assert.Equal(20_000, characters.Count); // 10 characters a code
        // Every one of the 32 symbols turns up, in every position: 5 bits each, 50 in all.
        Assert.Equal(32, characters.Distinct().Count());
        var codes = Enumerable.Range(0, 2000).Select(_ => BackupCodeFormat.Normalize(BackupCodeFormat.New())!).ToList();
        for (var position = 0; position < 10; position++)
            Assert.Equal(32, codes.Select(c => c[position]).Distinct().Count());
        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Theory]
    [InlineData("abcd-efgh-ij", "abcdefghij")]
    [InlineData("ABCD-EFGH-IJ", "abcdefghij")]
    [InlineData("AbCd eFgH iJ", "abcdefghij")]
    [InlineData("  abcdefghij  ", "abcdefghij")]
    [InlineData("ab-cd-ef-gh-ij", "abcdefghij")]
    [InlineData("abcd\u00A0efgh\u00A0ij", "abcdefghij")]
    [InlineData("0l8a-2345-67", "olba234567")] // 0, 1, 8 are read as o, l, b
    [InlineData("01o8-bbll-oo", "olobbbllo" + "o")]
    [InlineData("1111-1111-11", "llllllllll")]
    public void Normalisation_ignores_case_spaces_and_dashes_and_reads_0_1_8_as_letters(string typed, string expected)
    {
        Assert.Equal(expected, BackupCodeFormat.Normalize(typed));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("abcd-efgh-i")]       // 9
    [InlineData("abcd-efgh-ijk")]     // 11
    [InlineData("abcd-efgh-i9")]      // 9 is not base32
    [InlineData("abcd-efgh-i!")]
    [InlineData("abcd_efgh_ij")]
    [InlineData("abcd-efgh-ié")]
    [InlineData("123456")]
    public void Anything_else_is_not_a_code(string? typed)
    {
        Assert.Null(BackupCodeFormat.Normalize(typed));
    }

    [Fact]
    public void Very_long_input_is_not_a_code()
    {
        Assert.Null(BackupCodeFormat.Normalize("abcd-efgh-ij" + new string(' ', 60)));
        Assert.Null(BackupCodeFormat.Normalize(new string('a', 100)));
    }

    [Fact]
    public void A_new_code_normalises_to_itself_without_dashes()
    {
        var code = BackupCodeFormat.New();
        Assert.Equal(code.Replace("-", ""), BackupCodeFormat.Normalize(code));
    }
}

public class BackupCodeSetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private readonly TwoFactorRig _rig = new();

    [Fact]
    public async Task Renewal_gives_ten_distinct_codes_stored_only_as_argon2id_hashes()
    {
        var alice = _rig.AddAccount("alice");
        var codes = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);

        Assert.Equal(10, codes.Count);
        Assert.Equal(10, codes.Distinct().Count());
        Assert.All(codes, c => Assert.Matches("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{2}$", c));
        var stored = _rig.Factors.AllBackupCodes;
        Assert.Equal(10, stored.Count);
        Assert.All(stored, s =>
        {
            Assert.Equal(alice.Id, s.AccountId);
            Assert.StartsWith("$argon2id$", s.Hash);
            Assert.Null(s.UsedAt);
            Assert.All(codes, c => Assert.DoesNotContain(BackupCodeFormat.Normalize(c)!, s.Hash));
        });
        Assert.Equal(10, stored.Select(s => s.Hash).Distinct().Count());
        // Each stored hash is one of the codes.
        Assert.All(codes, c => Assert.Single(stored, s =>
            _rig.Hasher.VerifyHashedPassword(alice, s.Hash, BackupCodeFormat.Normalize(c)!) != PasswordVerificationResult.Failed));
        Assert.Equal(SecurityEventKind.BackupCodesGenerated, Assert.Single(_rig.Factors.Events).Kind);
    }

    [Fact]
    public async Task Each_code_works_once()
    {
        var alice = _rig.AddAccount("alice");
        var codes = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);

        Assert.True(await _rig.BackupCodes.UseAsync(alice, codes[3], TwoFactorRig.Client, Ct));
        Assert.False(await _rig.BackupCodes.UseAsync(alice, codes[3], TwoFactorRig.Client, Ct));
        Assert.False(await _rig.BackupCodes.UseAsync(alice, codes[3].ToUpperInvariant(), TwoFactorRig.Client, Ct));

        Assert.Equal(9, (await _rig.Factors.UnusedBackupCodesAsync(alice.Id, Ct)).Count);
        Assert.Equal(TwoFactorRig.Now, Assert.Single(_rig.Factors.AllBackupCodes, c => c.UsedAt is not null).UsedAt);
        Assert.Equal(SecurityEventKind.BackupCodeUsed, _rig.Factors.Events[^1].Kind);
        // The others still work, each once.
        Assert.True(await _rig.BackupCodes.UseAsync(alice, codes[0], TwoFactorRig.Client, Ct));
        Assert.False(await _rig.BackupCodes.UseAsync(alice, codes[0], TwoFactorRig.Client, Ct));
    }

    [Fact]
    public async Task All_ten_work_once_and_then_none()
    {
        var alice = _rig.AddAccount("alice");
        var codes = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);
        foreach (var code in codes) Assert.True(await _rig.BackupCodes.UseAsync(alice, code, TwoFactorRig.Client, Ct));
        foreach (var code in codes) Assert.False(await _rig.BackupCodes.UseAsync(alice, code, TwoFactorRig.Client, Ct));
        Assert.Empty(await _rig.Factors.UnusedBackupCodesAsync(alice.Id, Ct));
    }

    [Fact]
    public async Task A_code_works_as_typed_with_capitals_spaces_and_look_alike_digits()
    {
        var alice = _rig.AddAccount("alice");
        var codes = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);
        var typed = codes[0].ToUpperInvariant().Replace("-", " ").Replace('O', '0').Replace('L', '1').Replace('B', '8');
        Assert.True(await _rig.BackupCodes.UseAsync(alice, typed, TwoFactorRig.Client, Ct));
    }

    [Fact]
    public async Task A_wrong_or_malformed_code_is_refused_and_uses_nothing()
    {
        var alice = _rig.AddAccount("alice");
        var codes = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);
        var wrong = BackupCodeFormat.New();
        while (codes.Contains(wrong)) wrong = BackupCodeFormat.New();

        Assert.False(await _rig.BackupCodes.UseAsync(alice, wrong, TwoFactorRig.Client, Ct));
        Assert.False(await _rig.BackupCodes.UseAsync(alice, codes[0][..^1], TwoFactorRig.Client, Ct));
        Assert.False(await _rig.BackupCodes.UseAsync(alice, null, TwoFactorRig.Client, Ct));
        Assert.Equal(10, (await _rig.Factors.UnusedBackupCodesAsync(alice.Id, Ct)).Count);
    }

    [Fact]
    public async Task Another_accounts_code_is_refused()
    {
        var alice = _rig.AddAccount("alice");
        var bob = _rig.AddAccount("bob");
        var aliceCodes = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);
        await _rig.BackupCodes.RenewAsync(bob, TwoFactorRig.Client, Ct);

        Assert.False(await _rig.BackupCodes.UseAsync(bob, aliceCodes[0], TwoFactorRig.Client, Ct));
        Assert.True(await _rig.BackupCodes.UseAsync(alice, aliceCodes[0], TwoFactorRig.Client, Ct));
    }

    [Fact]
    public async Task Renewal_invalidates_every_old_code()
    {
        var alice = _rig.AddAccount("alice");
        var old = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);
        var renewed = await _rig.BackupCodes.RenewAsync(alice, TwoFactorRig.Client, Ct);

        Assert.Empty(old.Intersect(renewed));
        foreach (var code in old) Assert.False(await _rig.BackupCodes.UseAsync(alice, code, TwoFactorRig.Client, Ct));
        Assert.Equal(10, _rig.Factors.AllBackupCodes.Count);
        Assert.True(await _rig.BackupCodes.UseAsync(alice, renewed[9], TwoFactorRig.Client, Ct));
    }
}
