using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;

namespace Threshold.Core.Passwords;

/// <summary>What a failed password most likely was; null when it is just wrong.</summary>
public sealed record PasswordHint(TypoKind? Typo, DateTimeOffset? ReplacedAt, bool ReplacedByOwner, bool Accepted)
{
    public bool IsOldPassword => ReplacedAt is not null;
}

/// <summary>
/// After a wrong password: was it a typo we recognise, or a recent old password? Spends
/// exactly <see cref="PasswordSettings.HintBudget"/> verifications on every failed
/// attempt — padding with the dummy hash, and doing all of them for an unknown
/// account — so hints never make a real account slower to fail than a made-up one.
/// </summary>
public sealed class FailedPasswordDiagnosis(
    IPasswordHasher<Account> hasher,
    DummyPasswordHash dummy,
    IOptions<PasswordSettings> options,
    TimeProvider clock)
{
    private static readonly TypoKind[] AcceptableTypos = [TypoKind.CapsLock, TypoKind.FirstLetterCase];

    public int Budget => Math.Max(0, options.Value.HintBudget);

    public PasswordHint? Diagnose(Account? account, string typed, IReadOnlyList<PasswordHistoryEntry> history)
    {
        var spent = 0;
        var hint = account?.PasswordHash is { } current ? Check(account, current, typed, history, ref spent) : null;
        for (; spent < Budget; spent++)
            hasher.VerifyHashedPassword(dummy.Account, dummy.Hash, typed);
        return hint;
    }

    private PasswordHint? Check(Account account, string current, string typed, IReadOnlyList<PasswordHistoryEntry> history, ref int spent)
    {
        foreach (var (kind, variant) in TypoVariants.Of(typed))
        {
            if (spent >= Budget) return null;
            spent++;
            if (hasher.VerifyHashedPassword(account, current, variant) != PasswordVerificationResult.Failed)
                return new PasswordHint(kind, null, true, options.Value.AcceptTypoVariants && AcceptableTypos.Contains(kind));
        }

        var now = clock.GetUtcNow();
        foreach (var old in history.Where(h => now - h.ReplacedAt <= options.Value.OldPasswordHintWindow).OrderByDescending(h => h.ReplacedAt))
        {
            if (spent >= Budget) return null;
            spent++;
            if (hasher.VerifyHashedPassword(account, old.PasswordHash, typed) != PasswordVerificationResult.Failed)
                return new PasswordHint(null, old.ReplacedAt, old.ReplacedByOwner, false);
        }
        return null;
    }
}
