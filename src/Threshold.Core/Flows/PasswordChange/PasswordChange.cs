using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;

namespace Threshold.Core.Flows.PasswordChange;

/// <param name="SignOutOtherSessions">End every other session (the default); when false they stay signed in.</param>
public sealed record PasswordChangeRequest(Guid AccountId, string? CurrentPassword, string? NewPassword, Guid? CurrentSessionId, ClientInfo Client,
    bool SignOutOtherSessions = true);

public sealed record PasswordChangeResult(IReadOnlyList<FieldProblem> Problems, string ReferenceCode)
{
    public bool Changed => Problems.Count == 0;
}

/// <summary>
/// Changing a password needs the current one (ASVS 6.2.3). Afterwards every other session
/// ends unless the owner chose to keep them (ASVS 7.4.3 lets the user choose), remembered
/// devices must pass the second step again (the security stamp changes), and every verified
/// contact of the owner is told, in case it was not them.
/// </summary>
public sealed class PasswordChange(
    IAccountStore accounts,
    IPasswordHasher<Account> hasher,
    PasswordPolicy policy,
    PasswordReuse reuse,
    SecurityNotices notices,
    OutboxSignal outboxSignal,
    IOptions<PasswordSettings> settings,
    TimeProvider clock)
{
    public async Task<PasswordChangeResult> ChangeAsync(PasswordChangeRequest request, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var account = await accounts.FindByIdAsync(request.AccountId, ct)
            ?? throw new InvalidOperationException("The signed-in account no longer exists.");

        var problems = new List<FieldProblem>();
        if (string.IsNullOrEmpty(request.CurrentPassword))
            problems.Add(new("CurrentPassword", "current_password.missing"));
        else if (account.PasswordHash is null ||
                 hasher.VerifyHashedPassword(account, account.PasswordHash, request.CurrentPassword) == PasswordVerificationResult.Failed)
            problems.Add(new("CurrentPassword", "current_password.wrong"));
        if (policy.Check(request.NewPassword, [account.Email, account.UserName]) is { } problem)
            problems.Add(new("NewPassword", "password." + problem.ToString().ToLowerInvariant()));
        else if (request.CurrentPassword is not null &&
                 PasswordText.Normalize(request.NewPassword!) == PasswordText.Normalize(request.CurrentPassword))
            problems.Add(new("NewPassword", "password.same"));
        else if (problems.Count == 0 && await reuse.IsCurrentOrRecentAsync(account, request.NewPassword!, ct))
            problems.Add(new("NewPassword", "password.reused"));
        if (problems.Count > 0) return new(problems, reference);

        var now = clock.GetUtcNow();
        var outgoing = notices.PasswordChanged(account, request.Client, now, reference);
        var retired = new PasswordHistoryEntry
        {
            Id = Guid.NewGuid(),
            AccountId = account.Id,
            PasswordHash = account.PasswordHash!,
            ReplacedAt = now,
            ReplacedByOwner = true,
        };
        await accounts.ChangePasswordAsync(account.Id, hasher.HashPassword(account, request.NewPassword!), now, request.CurrentSessionId,
            request.SignOutOtherSessions, retired, settings.Value.HistoryLength, outgoing, SecurityEvent.Of(SecurityEventKind.PasswordChanged, now, request.Client, reference, account.Id, account.UserName,
                request.SignOutOtherSessions ? "other_sessions_ended" : "other_sessions_kept"), ct);
        outboxSignal.Notify();
        return new([], reference);
    }
}
