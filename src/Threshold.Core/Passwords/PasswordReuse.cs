using Microsoft.AspNetCore.Identity;
using Threshold.Core.Accounts;

namespace Threshold.Core.Passwords;

/// <summary>A new password may be neither the current one nor one of the last few (the history).</summary>
public sealed class PasswordReuse(IAccountStore accounts, IPasswordHasher<Account> hasher)
{
    public async Task<bool> IsCurrentOrRecentAsync(Account account, string candidate, CancellationToken ct = default)
    {
        if (account.PasswordHash is { } current && Matches(account, current, candidate)) return true;
        foreach (var old in await accounts.PasswordHistoryAsync(account.Id, ct))
            if (Matches(account, old.PasswordHash, candidate)) return true;
        return false;
    }

    private bool Matches(Account account, string hash, string candidate) =>
        hasher.VerifyHashedPassword(account, hash, candidate) != PasswordVerificationResult.Failed;
}
