using Microsoft.Extensions.Logging;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;

namespace Threshold.Core.Support.Actions;

public enum FactorResetStatus
{
    /// <summary>Waiting; it can be cancelled.</summary>
    Pending,
    /// <summary>Cancelled (now, or before).</summary>
    Cancelled,
    /// <summary>It took effect already: too late to cancel.</summary>
    Completed,
    /// <summary>The link was garbled or names no reset.</summary>
    Invalid,
}

/// <param name="Reset">The reset the link names, when it names one.</param>
/// <param name="Username">The account's username, so the owner sees which account it is.</param>
/// <param name="CancelledNow">This request cancelled it (a repeat finds it cancelled already).</param>
public sealed record FactorResetView(FactorResetStatus Status, string ReferenceCode, FactorReset? Reset = null, string? Username = null,
    bool CancelledNow = false);

/// <summary>
/// The two-step reset after it was asked for: the owner's "Cancel this reset" link (anonymous; the
/// link's secret is the proof, and only its hash is stored), and completion once the delay is over
/// and nobody cancelled — every second factor goes, the security stamp changes, every session ends,
/// and the contacts are told. Completion runs from a timer in the host; tests call it after moving
/// the clock on.
/// </summary>
public sealed class FactorResets(
    IFactorResetStore store,
    IAccountStore accounts,
    FactorResetNotices notices,
    OutboxSignal outboxSignal,
    TimeProvider clock,
    ILogger<FactorResets> logger)
{
    /// <summary>How many due resets one run completes; the next run takes the rest.</summary>
    public const int BatchSize = 100;

    /// <summary>What the link names; looking changes nothing (mail scanners open links).</summary>
    public async Task<FactorResetView> PreviewAsync(string? token, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var reset = SecretToken.Parse(token) is { } parsed ? await store.FindByCancelTokenHashAsync(SecretToken.Hash(parsed), ct) : null;
        if (reset is null) return new(FactorResetStatus.Invalid, reference);
        var account = await accounts.FindByIdAsync(reset.AccountId, ct);
        return new(StatusOf(reset), reference, reset, account?.UserName);
    }

    /// <summary>Cancels a pending reset once; a repeat, or a reset that took effect, changes nothing.</summary>
    public async Task<FactorResetView> CancelAsync(string? token, ClientInfo client, CancellationToken ct = default)
    {
        var view = await PreviewAsync(token, ct);
        if (view is not { Status: FactorResetStatus.Pending, Reset: { } reset }) return view;
        var now = clock.GetUtcNow();
        var cancelled = await store.TryCancelAsync(reset.Id, now,
            SecurityEvent.Of(SecurityEventKind.TwoFactorResetCancelled, now, client, view.ReferenceCode, reset.AccountId, view.Username,
                reset.RequestNumber is { } number ? "support:" + number : "support"), ct);
        if (cancelled)
        {
            reset.CancelledAt = now;
            return view with { Status = FactorResetStatus.Cancelled, CancelledNow = true };
        }
        // Cancelled or completed meanwhile (a double click, the timer): say what it is now.
        return await PreviewAsync(token, ct) with { ReferenceCode = view.ReferenceCode };
    }

    /// <summary>Completes every reset whose delay is over at <paramref name="now"/> and that nobody cancelled. Returns how many.</summary>
    public async Task<int> CompleteDueAsync(DateTimeOffset now, CancellationToken ct = default)
    {
        var done = 0;
        foreach (var reset in await store.DueAsync(now, BatchSize, ct))
        {
            var account = await accounts.FindByIdAsync(reset.AccountId, ct);
            if (account is null) continue; // the reset goes with the account (cascade)
            var reference = ReferenceCode.New();
            // The contacts are read before the change, so everyone who heard of the request hears it happened.
            var messages = notices.Completed(account, now, reference);
            var securityEvent = SecurityEvent.Of(SecurityEventKind.TwoFactorResetCompleted, now, ClientInfo.Unknown, reference, account.Id,
                account.UserName, reset.RequestNumber is { } number ? "support:" + number : "support");
            if (!await store.TryCompleteAsync(reset, now, Guid.NewGuid().ToString("N"), messages, securityEvent, ct)) continue;
            logger.LogInformation("Two-step reset {ResetId} of account {AccountId} completed, reference {Reference}", reset.Id, account.Id, reference);
            done++;
        }
        if (done > 0) outboxSignal.Notify();
        return done;
    }

    private static FactorResetStatus StatusOf(FactorReset reset) =>
        reset.CompletedAt is not null ? FactorResetStatus.Completed
        : reset.CancelledAt is not null ? FactorResetStatus.Cancelled
        : FactorResetStatus.Pending;
}
