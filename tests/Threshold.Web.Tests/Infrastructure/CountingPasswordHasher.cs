using Microsoft.AspNetCore.Identity;
using Threshold.Core.Accounts;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>Counts password verifications, passing each to the real hasher.</summary>
public sealed class CountingPasswordHasher(IPasswordHasher<Account> inner) : IPasswordHasher<Account>
{
    private int _verifications;

    public int Verifications => Volatile.Read(ref _verifications);

    public void Reset() => Interlocked.Exchange(ref _verifications, 0);

    public string HashPassword(Account user, string password) => inner.HashPassword(user, password);

    public PasswordVerificationResult VerifyHashedPassword(Account user, string hashedPassword, string providedPassword)
    {
        Interlocked.Increment(ref _verifications);
        return inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
    }
}
