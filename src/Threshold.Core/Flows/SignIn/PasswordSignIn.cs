using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Passwords;

namespace Threshold.Core.Flows.SignIn;

/// <param name="Remembered">The "remember this device" cookie's content, when the browser sent a valid one.</param>
public sealed record PasswordSignInRequest(string? Identifier, string? Password, ClientInfo Client, RememberedDevice? Remembered = null);

public enum SignInOutcome
{
    Succeeded,
    InvalidCredentials,
    MissingInput,
    /// <summary>
    /// The password was right, but the owner reported "This wasn't me": it no longer signs in
    /// until a reset sets a new one. Only ever said after the right password, so it tells
    /// nothing to someone who does not know it.
    /// </summary>
    PasswordResetRequired,
}

public sealed record PasswordSignInResult(SignInOutcome Outcome, Account? Account, string ReferenceCode, IReadOnlyList<FieldProblem> Problems,
    PasswordHint? Hint = null, TwoFactorState? Factors = null, bool NeedsSecondStep = false, bool MustEnrol = false)
{
    /// <summary>The password was right (a second step may still follow).</summary>
    public bool Succeeded => Outcome == SignInOutcome.Succeeded;
}

/// <summary>
/// Checks an identifier and password. A wrong password and an unknown account give the
/// same result after the same work: one Argon2id verification each (against a dummy
/// hash when there is no account) plus the same number of hint checks, so neither
/// text nor timing tells them apart. A hint (Caps Lock, an old password) is given only
/// when a corrected form or an old password really matches.
/// </summary>
public sealed class PasswordSignIn(
    IAccountStore accounts,
    IPasswordHasher<Account> hasher,
    DummyPasswordHash dummy,
    FailedPasswordDiagnosis diagnosis,
    ISecurityEventLog events,
    SignInRecorder signIns,
    TwoFactorMethods twoFactor,
    IOptions<PasswordSettings> passwordOptions,
    IOptions<TwoFactorOptions> twoFactorOptions,
    TimeProvider clock)
{
    public async Task<PasswordSignInResult> SignInAsync(PasswordSignInRequest request, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var problems = new List<FieldProblem>();
        if (string.IsNullOrWhiteSpace(request.Identifier)) problems.Add(new("Identifier", "identifier.missing"));
        if (string.IsNullOrEmpty(request.Password)) problems.Add(new("Password", "password.missing"));
        if (problems.Count > 0)
        {
            await RecordAsync(SecurityEventKind.SignInFailed, null, request, reference, "missing_input", ct);
            return new(SignInOutcome.MissingInput, null, reference, problems);
        }

        var identifier = Identifiers.Normalize(request.Identifier);
        var password = request.Password!;
        var plausible = identifier.Length <= Identifiers.EmailMaxLength && password.Length <= passwordOptions.Value.MaxLength * 2;
        var account = plausible ? await accounts.FindByIdentifierAsync(identifier, ct) : null;

        if (account?.PasswordHash is null)
        {
            // Long input is hashed in bounded form only for timing; it can never match.
            var bounded = plausible ? password : password[..Math.Min(password.Length, 64)];
            hasher.VerifyHashedPassword(dummy.Account, dummy.Hash, bounded);
            diagnosis.Diagnose(null, bounded, await accounts.PasswordHistoryAsync(Guid.Empty, ct));
            await RecordAsync(SecurityEventKind.SignInFailed, account?.Id, request, reference, account is null ? "unknown_account" : "no_password", ct);
            return Failed(reference);
        }

        var verdict = hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var hint = diagnosis.Diagnose(account, password, await accounts.PasswordHistoryAsync(account.Id, ct));
            if (hint is not { Accepted: true })
            {
                await RecordAsync(SecurityEventKind.SignInFailed, account.Id, request, reference, Reason(hint), ct);
                return Failed(reference) with { Hint = hint };
            }
            // Accepting Caps Lock / first-letter variants is an operator's choice (Passwords:AcceptTypoVariants).
            return await AcceptedAsync(account, request, reference, "accepted_" + Reason(hint), ct);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await accounts.UpdatePasswordHashAsync(account.Id, hasher.HashPassword(account, password), changedAt: null, ct);
            await RecordAsync(SecurityEventKind.PasswordRehashed, account.Id, request, ReferenceCode.New(), null, ct);
        }
        return await AcceptedAsync(account, request, reference, null, ct);
    }

    /// <summary>
    /// The password was right. The sign-in is complete unless a second factor is enrolled
    /// and this device is not remembered; then the event says a second step follows.
    /// </summary>
    private async Task<PasswordSignInResult> AcceptedAsync(Account account, PasswordSignInRequest request, string reference, string? reason, CancellationToken ct)
    {
        if (account.PasswordResetRequired)
        {
            await RecordAsync(SecurityEventKind.SignInFailed, account.Id, request, reference, "password_reset_required", ct);
            return new(SignInOutcome.PasswordResetRequired, null, reference, []);
        }
        var factors = await twoFactor.ForAccountAsync(account, ct);
        var remembered = factors.IsOn && request.Remembered?.Covers(account, clock.GetUtcNow()) == true;
        var needsSecondStep = factors.IsOn && !remembered;
        // The reason names the method ("password", "password+remembered_device"), or the accepted typo.
        var method = remembered ? "password+remembered_device" : "password";
        if (needsSecondStep)
            await RecordAsync(SecurityEventKind.SecondFactorRequired, account.Id, request, reference, reason ?? method, ct);
        else
            await signIns.RecordAsync(account, SecurityEvent.Of(SecurityEventKind.SignInSucceeded, clock.GetUtcNow(), request.Client, reference, account.Id,
                request.Identifier, reason ?? method), request.Client, ct);
        return new(SignInOutcome.Succeeded, account, reference, [], Factors: factors, NeedsSecondStep: needsSecondStep,
            MustEnrol: !factors.IsOn && twoFactorOptions.Value.Required == TwoFactorRequirement.All);
    }

    /// <summary>The event log's reason: what the attempt most likely was.</summary>
    private static string Reason(PasswordHint? hint) => hint switch
    {
        null => "wrong_password",
        { IsOldPassword: true } => "old_password",
        { Typo: TypoKind.CapsLock } => "caps_lock",
        { Typo: TypoKind.FirstLetterCase } => "first_letter_case",
        { Typo: TypoKind.Autocorrect } => "autocorrect",
        _ => "trailing_whitespace",
    };

    private static PasswordSignInResult Failed(string reference) =>
        new(SignInOutcome.InvalidCredentials, null, reference, []);

    private Task RecordAsync(SecurityEventKind kind, Guid? accountId, PasswordSignInRequest request, string reference, string? reason, CancellationToken ct) =>
        events.RecordAsync(SecurityEvent.Of(kind, clock.GetUtcNow(), request.Client, reference, accountId, request.Identifier, reason), ct);
}
