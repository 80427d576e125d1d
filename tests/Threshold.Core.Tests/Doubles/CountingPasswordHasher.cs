using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Passwords;

namespace Threshold.Core.Tests.Doubles;

/// <summary>Counts hash verifications (and hashings), passing each to the real hasher.</summary>
public sealed class CountingPasswordHasher(IPasswordHasher<Account> inner) : IPasswordHasher<Account>
{
    public int Verifications { get; private set; }
    public int Hashings { get; private set; }

    /// <summary>Argon2id with parameters small enough for thousands of verifications in a unit test.</summary>
    public static CountingPasswordHasher Fast(int memoryKiB = 64) =>
        new(new Argon2idPasswordHasher(Options.Create(new PasswordSettings
        {
            Argon2 = new Argon2Settings { MemoryKiB = memoryKiB, Iterations = 1, Parallelism = 1 },
        })));

    public void Reset() => Verifications = 0;

    public string HashPassword(Account user, string password)
    {
        Hashings++;
        return inner.HashPassword(user, password);
    }

    public PasswordVerificationResult VerifyHashedPassword(Account user, string hashedPassword, string providedPassword)
    {
        Verifications++;
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}
