using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Passwords;

namespace Threshold.Core.Tests;

public class DummyPasswordHashTests
{
    private static readonly Argon2idPasswordHasher Hasher = new(Options.Create(new PasswordSettings
    {
        Argon2 = new Argon2Settings { MemoryKiB = 1024, Iterations = 1 },
    }));

    [Fact]
    public void Hash_is_stable_across_calls()
    {
        var dummy = new DummyPasswordHash(Hasher);
        var first = dummy.Hash;
        Assert.Same(first, dummy.Hash);
        Assert.Equal(first, dummy.Hash);
    }

    [Fact]
    public void Hash_uses_the_configured_hasher_and_parameters()
    {
        var dummy = new DummyPasswordHash(Hasher);
        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", dummy.Hash);
    }

    [Fact]
    public void Each_instance_has_its_own_random_password()
    {
        Assert.NotEqual(new DummyPasswordHash(Hasher).Hash, new DummyPasswordHash(Hasher).Hash);
    }

    [Theory]
    [InlineData("")]
    [InlineData("password")]
    [InlineData("123456")]
    [InlineData("correct horse battery staple")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Verifies_nothing_typical(string password)
    {
        var dummy = new DummyPasswordHash(Hasher);
        Assert.Equal(PasswordVerificationResult.Failed, Hasher.VerifyHashedPassword(dummy.Account, dummy.Hash, password));
    }

    [Fact]
    public void Has_an_account_to_verify_against()
    {
        var dummy = new DummyPasswordHash(Hasher);
        Assert.NotNull(dummy.Account);
        Assert.Same(dummy.Account, dummy.Account);
    }
}
