using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;

namespace Threshold.Core.Factors.BackupCodes;

/// <summary>
/// Backup codes: a new set replaces the old one and is shown once; each code is kept as a
/// salted Argon2id hash (ASVS 6.5.2, fewer than 112 bits) and works once.
/// </summary>
public sealed class BackupCodeSet(
    IFactorStore store,
    IPasswordHasher<Account> hasher,
    FactorChanges changes,
    IOptions<TwoFactorOptions> options,
    TimeProvider clock)
{
    /// <returns>The new codes, in the form to show and print; they are not kept anywhere.</returns>
    public async Task<IReadOnlyList<string>> RenewAsync(Account account, ClientInfo client, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var codes = Enumerable.Range(0, options.Value.BackupCodeCount).Select(_ => BackupCodeFormat.New()).ToList();
        var stored = codes.Select(code => new BackupCode
        {
            Id = Guid.NewGuid(), AccountId = account.Id, CreatedAt = now, Hash = hasher.HashPassword(account, BackupCodeFormat.Normalize(code)!),
        }).ToList();
        var change = changes.Describe(account, "backup-codes-renewed", SecurityEventKind.BackupCodesGenerated, client, ReferenceCode.New());
        // The first set comes with the first factor, whose own notice already went out;
        // "the old ones no longer work" is said only when there were old ones.
        if ((await store.UnusedBackupCodesAsync(account.Id, ct)).Count == 0) change = change with { Messages = [] };
        await store.ReplaceBackupCodesAsync(account.Id, stored, change, ct);
        return codes;
    }

    /// <summary>True when the code matches an unused one, which is then used up.</summary>
    public async Task<bool> UseAsync(Account account, string? typed, ClientInfo client, CancellationToken ct = default)
    {
        if (BackupCodeFormat.Normalize(typed) is not { } normalized) return false;
        foreach (var code in await store.UnusedBackupCodesAsync(account.Id, ct))
        {
            if (hasher.VerifyHashedPassword(account, code.Hash, normalized) == PasswordVerificationResult.Failed) continue;
            var change = changes.Describe(account, "backup-code-used", SecurityEventKind.BackupCodeUsed, client, ReferenceCode.New());
            return await store.TryUseBackupCodeAsync(code.Id, clock.GetUtcNow(), change, ct);
        }
        return false;
    }
}
