using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Passwords;

namespace Threshold.Core.Tests;

public class Argon2idPasswordHasherTests
{
    private static readonly Account User = new() { Id = Guid.NewGuid(), UserName = "alice" };

    private static Argon2idPasswordHasher Hasher(int memoryKiB = 1024, int iterations = 1, int parallelism = 1) =>
        new(Options.Create(new PasswordSettings
        {
            Argon2 = new Argon2Settings { MemoryKiB = memoryKiB, Iterations = iterations, Parallelism = parallelism },
        }));

    private readonly Argon2idPasswordHasher _hasher = Hasher();

    [Fact]
    public void Default_settings_write_the_OWASP_parameters_in_a_PHC_string()
    {
        var hasher = new Argon2idPasswordHasher(Options.Create(new PasswordSettings()));
        var hash = hasher.HashPassword(User, "correct horse battery staple");
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", hash);
        Assert.Equal(PasswordVerificationResult.Success, hasher.VerifyHashedPassword(User, hash, "correct horse battery staple"));
    }

    [Fact]
    public void Phc_string_has_salt_and_32_byte_hash_in_unpadded_base64()
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        var parts = hash.Split('$');
        // "", "argon2id", "v=19", "m=1024,t=1,p=1", salt, hash
        Assert.Equal(6, parts.Length);
        Assert.Equal("m=1024,t=1,p=1", parts[3]);
        Assert.Equal(22, parts[4].Length); // 16 bytes
        Assert.Equal(43, parts[5].Length); // 32 bytes
        Assert.DoesNotContain("=", parts[4] + parts[5]);
    }

    [Fact]
    public void Hash_then_verify_succeeds()
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(User, hash, "correct horse battery staple"));
    }

    [Theory]
    [InlineData("correct horse battery stapl")]
    [InlineData("correct horse battery staple ")]
    [InlineData(" correct horse battery staple")]
    [InlineData("")]
    [InlineData("something else entirely")]
    public void Wrong_password_fails(string wrong)
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, hash, wrong));
    }

    [Fact]
    public void Composed_and_decomposed_forms_verify_the_same()
    {
        const string composed = "caf\u00E9 au lait";
        const string decomposed = "cafe\u0301 au lait";
        Assert.NotEqual(composed, decomposed);

        var fromComposed = _hasher.HashPassword(User, composed);
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(User, fromComposed, decomposed));
        var fromDecomposed = _hasher.HashPassword(User, decomposed);
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(User, fromDecomposed, composed));
    }

    [Fact]
    public void Full_width_form_verifies_against_ascii_form()
    {
        var hash = _hasher.HashPassword(User, "Secret123");
        Assert.Equal(PasswordVerificationResult.Success,
            _hasher.VerifyHashedPassword(User, hash, "\uFF33\uFF45\uFF43\uFF52\uFF45\uFF54\uFF11\uFF12\uFF13"));
    }

    [Theory]
    [InlineData("CORRECT HORSE BATTERY STAPLE")]
    [InlineData("Correct horse battery staple")]
    [InlineData("cORRECT HORSE BATTERY STAPLE")]
    public void Case_is_not_folded(string otherCase)
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, hash, otherCase));
    }

    [Fact]
    public void Two_hashes_of_the_same_password_differ()
    {
        var first = _hasher.HashPassword(User, "correct horse battery staple");
        var second = _hasher.HashPassword(User, "correct horse battery staple");
        Assert.NotEqual(first, second);
        Assert.NotEqual(first.Split('$')[4], second.Split('$')[4]);
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(User, first, "correct horse battery staple"));
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(User, second, "correct horse battery staple"));
    }

    [Theory]
    [InlineData(2048, 1)]
    [InlineData(1024, 2)]
    [InlineData(512, 1)]
    public void Hash_with_other_parameters_verifies_and_asks_for_rehash(int memoryKiB, int iterations)
    {
        var old = Hasher(memoryKiB, iterations).HashPassword(User, "correct horse battery staple");
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded, _hasher.VerifyHashedPassword(User, old, "correct horse battery staple"));
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, old, "wrong horse battery staple"));
    }

    [Fact]
    public void Identity_v3_hash_verifies_and_asks_for_rehash()
    {
        var identityHash = new PasswordHasher<Account>().HashPassword(User, "correct horse battery staple");
        Assert.False(identityHash.StartsWith('$'));
        Assert.Equal(PasswordVerificationResult.SuccessRehashNeeded,
            _hasher.VerifyHashedPassword(User, identityHash, "correct horse battery staple"));
    }

    [Fact]
    public void Identity_v3_hash_with_wrong_password_fails()
    {
        var identityHash = new PasswordHasher<Account>().HashPassword(User, "correct horse battery staple");
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, identityHash, "Correct horse battery staple"));
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, identityHash, ""));
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("not base64 at all!")]
    [InlineData("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")] // bcrypt, not supported
    [InlineData("$argon2i$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$$")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$!!!!")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$!!!!$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$c2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")] // 4-byte salt
    [InlineData("$argon2id$v=19$m=abc,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=1024,t=0,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=-5,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$x=1,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=1024;t=1;p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g")]
    [InlineData("$argon2id$v=19$m=1024,t=1,p=1$c29tZXNhbHRzb21lc2FsdA$aGFzaGhhc2hoYXNoaGFzaGhhc2hoYXNoaGFzaGhhc2g$extra")]
    [InlineData("AQAAAAIAAYagAAAAEA")] // an Identity v3 header, truncated
    [InlineData("AA==")]
    public void Garbage_hashes_fail_without_throwing(string stored)
    {
        var result = _hasher.VerifyHashedPassword(User, stored, "correct horse battery staple");
        Assert.Equal(PasswordVerificationResult.Failed, result);
    }

    [Fact]
    public void Truncated_phc_string_fails_without_throwing()
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        for (var cut = 1; cut < hash.Length; cut++)
        {
            var truncated = hash[..^cut];
            Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, truncated, "correct horse battery staple"));
        }
    }

    [Fact]
    public void Tampered_hash_bytes_fail()
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        var last = hash[^2];
        var tampered = hash[..^2] + (last == 'A' ? 'B' : 'A') + hash[^1];
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, tampered, "correct horse battery staple"));
    }

    [Fact]
    public void Tampered_salt_fails()
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        var parts = hash.Split('$');
        parts[4] = (parts[4][0] == 'A' ? 'B' : 'A') + parts[4][1..];
        Assert.Equal(PasswordVerificationResult.Failed,
            _hasher.VerifyHashedPassword(User, string.Join('$', parts), "correct horse battery staple"));
    }

    [Fact]
    public void Tampered_parameters_fail()
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        var tampered = hash.Replace("m=1024,t=1,p=1", "m=1024,t=2,p=1");
        Assert.NotEqual(hash, tampered);
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, tampered, "correct horse battery staple"));
    }

    /// <summary>
    /// BUG (src): TryParse accepts any positive m/t/p, and NSec throws ArgumentException for values it
    /// does not support (p != 1, m below its minimum), so a tampered stored hash throws instead of
    /// returning Failed.
    /// </summary>
    [Theory]
    [InlineData("m=1024,t=1,p=2")] // libsodium supports one lane only
    [InlineData("m=1,t=1,p=1")] // below the Argon2 minimum memory
    public void Tampered_unsupported_parameters_fail_without_throwing(string parameters)
    {
        var hash = _hasher.HashPassword(User, "correct horse battery staple");
        var tampered = hash.Replace("m=1024,t=1,p=1", parameters);
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, tampered, "correct horse battery staple"));
    }

    [Fact]
    public void Long_and_unicode_passwords_round_trip()
    {
        var password = string.Concat(Enumerable.Repeat("p\u00E4ssw\u00F6rd \U0001F511 ", 30));
        var hash = _hasher.HashPassword(User, password);
        Assert.Equal(PasswordVerificationResult.Success, _hasher.VerifyHashedPassword(User, hash, password));
        Assert.Equal(PasswordVerificationResult.Failed, _hasher.VerifyHashedPassword(User, hash, password + "x"));
    }
}
