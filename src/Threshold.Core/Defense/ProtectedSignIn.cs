using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Messaging;

namespace Threshold.Core.Defense;

/// <param name="Device">The valid device cookie the browser sent, if any.</param>
/// <param name="Network">The client's network (<see cref="NetworkKey"/>).</param>
/// <param name="Solution">An ALTCHA answer from the browser's worker, if any.</param>
/// <param name="WaitedChallenge">The challenge sent back unanswered (no JavaScript), if any.</param>
public sealed record ProtectedSignInRequest(PasswordSignInRequest SignIn, KnownDevice? Device, string Network, string? Solution, string? WaitedChallenge);

public enum GateOutcome
{
    /// <summary>The password was checked; see <see cref="ProtectedSignInResult.SignIn"/>.</summary>
    Checked,
    /// <summary>A challenge is needed and none (or no valid one) came with the attempt; the password was not checked.</summary>
    ChallengeRequired,
    /// <summary>Attempts from this device are paused (or stopped); the password was not checked.</summary>
    Refused,
}

/// <param name="SignIn">The password check's result, when it ran.</param>
/// <param name="State">The throttle state after this attempt, for unknown devices: what the page tells the person.</param>
/// <param name="Challenge">A fresh challenge to put in the form, when the next attempt needs one.</param>
/// <param name="IssueDevice">The device cookie to set after a success.</param>
public sealed record ProtectedSignInResult(GateOutcome Outcome, string ReferenceCode, PasswordSignInResult? SignIn, ThrottleState State,
    IssuedChallenge? Challenge, KnownDevice? IssueDevice)
{
    public bool Succeeded => SignIn?.Succeeded == true;
}

/// <summary>
/// Password sign-in behind the throttles. Failures are counted per identifier as typed
/// (whether or not it names an account), per account, per device cookie and per network.
/// A device that signed in to the account before (and has not failed too often itself) is
/// never slowed. Other devices meet a proof-of-work challenge, then growing pauses, then a
/// stop at 100 consecutive failures; the owner gets one email per lock period. Refused and
/// unchallenged attempts never reach the password hash and are not counted.
/// </summary>
public sealed class ProtectedSignIn(
    PasswordSignIn signIn,
    IAccountStore accounts,
    IThrottleStore store,
    ProofOfWork proofOfWork,
    VerificationBudget budget,
    SecurityNotices notices,
    IOptions<ThrottleOptions> options,
    TimeProvider clock,
    ILogger<ProtectedSignIn> logger)
{
    private ThrottleOptions Options => options.Value;

    public async Task<ProtectedSignInResult> SignInAsync(ProtectedSignInRequest request, CancellationToken ct = default)
    {
        var input = request.SignIn;
        if (string.IsNullOrWhiteSpace(input.Identifier) || string.IsNullOrEmpty(input.Password))
        {
            var missing = await signIn.SignInAsync(input, ct);
            return new(GateOutcome.Checked, missing.ReferenceCode, missing, ThrottleState.Open, null, null);
        }

        var now = clock.GetUtcNow();
        var identifier = Identifiers.Normalize(input.Identifier);
        var account = identifier.Length <= Identifiers.EmailMaxLength ? await accounts.FindByIdentifierAsync(identifier, ct) : null;
        var keys = new Keys(identifier, account?.Id, request.Device?.DeviceId, request.Network);
        var counters = await store.GetAsync(keys.All, ct);
        var cleared = account?.PasswordChangedAt;

        var identifierRule = ThrottleRule.ForIdentifier(Options);
        var networkRule = ThrottleRule.ForNetwork(Options);
        var deviceFailures = keys.Device is { } d ? identifierRule.Effective(counters.GetValueOrDefault(d), now) : 0;
        var known = account is not null && request.Device?.Knows(account.Id) == true && deviceFailures < Options.DeviceDistrustAfter;

        ThrottleState StateOf(IReadOnlyDictionary<string, ThrottleCounter> c) =>
            identifierRule.Evaluate(c.GetValueOrDefault(keys.Identifier), now, cleared)
                .Max(keys.Account is { } a ? identifierRule.Evaluate(c.GetValueOrDefault(a), now, cleared) : ThrottleState.Open)
                .Max(networkRule.Evaluate(c.GetValueOrDefault(keys.Network), now));

        var state = known ? ThrottleState.Open : StateOf(counters);
        if (state.Level is ThrottleLevel.Paused or ThrottleLevel.Stopped)
        {
            var reference = NotChecked(account?.Id, input, "throttled");
            return new(GateOutcome.Refused, reference, null, state, await proofOfWork.CreateAsync(highRisk: true, ct), null);
        }
        var answered = false;
        if (state.Level == ThrottleLevel.Challenge)
        {
            var verdict = await proofOfWork.VerifyAsync(request.Solution, ct);
            if (verdict == PowVerdict.Missing) verdict = await proofOfWork.VerifyWaitedAsync(request.WaitedChallenge, ct);
            if (verdict != PowVerdict.Valid)
            {
                var reason = verdict == PowVerdict.Missing ? "challenge_required" : "challenge_" + verdict.ToString().ToLowerInvariant();
                return await ChallengeAsync(account?.Id, input, reason, state, ct);
            }
            answered = true;
        }

        // Unknown devices share a bounded number of concurrent password checks; known devices never wait.
        using var slot = known ? null : await budget.TryEnterAsync(answered ? Options.BudgetWait : Options.BudgetQueueWait, ct);
        if (!known && slot is null)
            return await ChallengeAsync(account?.Id, input, "busy", state with { HighRisk = true }, ct);

        var result = await signIn.SignInAsync(input, ct);
        if (result.Succeeded && result.Account is { } signedIn)
        {
            await store.ResetAsync([keys.Identifier, ThrottleKeys.Account(signedIn.Id), .. keys.Device is { } dk ? [dk] : Array.Empty<string>()], ct);
            return new(GateOutcome.Checked, result.ReferenceCode, result, ThrottleState.Open, null,
                KnownDevice.After(request.Device, signedIn.Id, Secrets.SecretToken.New(), now));
        }
        if (result.Outcome != SignInOutcome.InvalidCredentials)
            return new(GateOutcome.Checked, result.ReferenceCode, result, state, null, null);

        // Count the failure everywhere it belongs, then say what the next attempt will meet.
        var after = new Dictionary<string, ThrottleCounter>();
        foreach (var key in keys.All)
        {
            var rule = key == keys.Network ? networkRule : identifierRule;
            var keyCleared = key == keys.Identifier || key == keys.Account ? cleared : null;
            after[key] = await store.RecordFailureAsync(key, now, rule.RestartBefore(counters.GetValueOrDefault(key), now, keyCleared), ct);
        }
        if (account is not null && keys.Account is { } accountKey && after[accountKey].Failures >= Options.PauseAfter)
            await NotifyOwnerAsync(account, accountKey, input, ct);

        var next = known ? ThrottleState.Open : StateOf(after);
        var challenge = next.Level == ThrottleLevel.None ? null : await proofOfWork.CreateAsync(next.HighRisk, ct);
        return new(GateOutcome.Checked, result.ReferenceCode, result, next, challenge, null);
    }

    private async Task<ProtectedSignInResult> ChallengeAsync(Guid? accountId, PasswordSignInRequest input, string reason, ThrottleState state, CancellationToken ct)
    {
        var reference = NotChecked(accountId, input, reason);
        return new(GateOutcome.ChallengeRequired, reference, null, state, await proofOfWork.CreateAsync(state.HighRisk, ct), null);
    }

    /// <summary>One notice per lock period, only to verified contacts, with no sign-in link (only "This wasn't me").</summary>
    private async Task NotifyOwnerAsync(Account account, string accountKey, PasswordSignInRequest input, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var reference = ReferenceCode.New();
        var outgoing = notices.SignInPaused(account, input.Client, now, reference);
        if (outgoing.Count == 0) return;
        if (!await store.TryMarkNotifiedAsync(accountKey, now, ct)) return;
        await accounts.RecordAsync(outgoing,
            SecurityEvent.Of(SecurityEventKind.SignInFailed, now, input.Client, reference, account.Id, input.Identifier, "owner_notified"), ct);
    }

    /// <summary>
    /// An attempt whose password was not checked goes to the application log, not to the
    /// database: a flood of them then costs no database write. The reference shown is in the log.
    /// </summary>
    private string NotChecked(Guid? accountId, PasswordSignInRequest input, string reason)
    {
        var reference = ReferenceCode.New();
        logger.LogInformation("Sign-in attempt not checked ({Reason}) from {Address} for account {AccountId}, reference {Reference}",
            reason, input.Client.IpAddress, accountId, reference);
        return reference;
    }

    private sealed class Keys(string identifier, Guid? account, string? device, string network)
    {
        public string Identifier { get; } = ThrottleKeys.Identifier(identifier);
        public string? Account { get; } = account is { } a ? ThrottleKeys.Account(a) : null;
        public string? Device { get; } = device is { } d ? ThrottleKeys.Device(d) : null;
        public string Network { get; } = ThrottleKeys.Network(network);

        public IReadOnlyCollection<string> All =>
            new[] { Identifier, Account, Device, Network }.OfType<string>().ToArray();
    }
}
