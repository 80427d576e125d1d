using System.Security.Cryptography;
using Microsoft.AspNetCore.Identity;
using Threshold.Core.Accounts;

namespace Threshold.Core.Passwords;

/// <summary>
/// A hash of a random password made with the configured hasher and parameters. Signing in
/// to an account that does not exist verifies against it, so that path does the same work
/// as a wrong password for a real account.
/// </summary>
public sealed class DummyPasswordHash(IPasswordHasher<Account> hasher)
{
    private readonly Lazy<string> _hash = new(() =>
        hasher.HashPassword(new Account(), Convert.ToBase64String(RandomNumberGenerator.GetBytes(24))));

    public Account Account { get; } = new();
    public string Hash => _hash.Value;
}
