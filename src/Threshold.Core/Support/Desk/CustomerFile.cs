using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Defense;
using Threshold.Core.Factors;
using Threshold.Core.Sessions;

namespace Threshold.Core.Support.Desk;

/// <summary>
/// Who a customer is, as an agent needs to know it to help: identifiers and whether each was
/// proven, how they sign in, whether sign-in is held up, and what is pending. Built from the
/// account field by field, so no password hash, security stamp or secret can reach the page.
/// </summary>
/// <param name="Phone">For display ("+44 7700 900123"), confirmed or not.</param>
/// <param name="TwoFactorMethods">Enrolled second steps, strongest first (backup codes last, when any are left).</param>
/// <param name="SignIn">The throttles' state for the account's own identifiers and the account itself.</param>
/// <param name="FactorResetDueAt">When a two-step reset an agent asked for takes effect, unless cancelled.</param>
/// <param name="IsOwnAccount">The agent looking is this customer: no actions.</param>
public sealed record CustomerFile(
    Guid Id,
    string? UserName,
    string? Email,
    bool EmailVerified,
    string? RecoveryEmail,
    bool RecoveryEmailVerified,
    string? Phone,
    bool PhoneConfirmed,
    DateTimeOffset CreatedAt,
    IReadOnlyList<SecondFactorKind> TwoFactorMethods,
    int PasskeyCount,
    int BackupCodesLeft,
    ThrottleState SignIn,
    bool PasswordResetRequired,
    int OpenSessions,
    DateTimeOffset? FactorResetDueAt,
    IReadOnlyList<SupportRequest> Requests,
    bool IsOwnAccount);

/// <summary>Reads a customer's file for the console.</summary>
public sealed class CustomerFiles(
    IAccountStore accounts,
    TwoFactorMethods methods,
    ActiveSessions sessions,
    IThrottleStore throttles,
    ICustomerFileStore store,
    ISupportRequestStore requests,
    IOptions<ThrottleOptions> throttleOptions,
    TimeProvider clock)
{
    public async Task<CustomerFile?> FindAsync(Guid accountId, Guid agentId, CancellationToken ct = default)
    {
        if (await accounts.FindByIdAsync(accountId, ct) is not { } account) return null;
        var factors = await methods.ForAccountAsync(account, ct);
        var open = await sessions.ListAsync(account.Id, currentSessionId: null, ct);
        var reset = await store.PendingFactorResetAsync(account.Id, ct);
        return new(
            account.Id, account.UserName, account.Email, account.EmailConfirmed,
            account.RecoveryEmail, account.RecoveryEmail is not null && account.RecoveryEmailVerifiedAt is not null,
            account.PhoneNumber is { Length: > 0 } phone ? PhoneNumberText.ForDisplay(phone) : null, account.PhoneNumberConfirmed,
            account.CreatedAt,
            factors.Methods.Select(m => m.Kind).ToList(), factors.PasskeyCount, factors.BackupCodesLeft,
            await SignInStateAsync(account, ct),
            account.PasswordResetRequired,
            open.Count,
            reset?.DueAt,
            await requests.ForAccountAsync(account.Id, ct),
            account.Id == agentId);
    }

    /// <summary>
    /// What the next sign-in from an unknown device meets, judged as the sign-in judges it: the
    /// account's own counter and the counters of its email and username as typed identifiers.
    /// </summary>
    private async Task<ThrottleState> SignInStateAsync(Account account, CancellationToken ct)
    {
        var keys = new[] { account.NormalizedEmail, account.NormalizedUserName }.OfType<string>().Select(ThrottleKeys.Identifier)
            .Append(ThrottleKeys.Account(account.Id)).ToArray();
        var counters = await throttles.GetAsync(keys, ct);
        var rule = ThrottleRule.ForIdentifier(throttleOptions.Value);
        var now = clock.GetUtcNow();
        return keys.Aggregate(ThrottleState.Open, (state, key) => state.Max(rule.Evaluate(counters.GetValueOrDefault(key), now, account.PasswordChangedAt)));
    }
}
