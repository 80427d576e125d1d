using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Passwords;

namespace Threshold.Core.Flows.SignIn;

public sealed record PasswordSignInRequest(string? Identifier, string? Password, ClientInfo Client);

public enum SignInOutcome { Succeeded, InvalidCredentials, MissingInput }

public sealed record PasswordSignInResult(SignInOutcome Outcome, Account? Account, string ReferenceCode, IReadOnlyList<FieldProblem> Problems,
    PasswordHint? Hint = null)
{
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
    IOptions<PasswordSettings> passwordOptions,
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
            await RecordAsync(SecurityEventKind.SignInSucceeded, account.Id, request, reference, "accepted_" + Reason(hint), ct);
            return new(SignInOutcome.Succeeded, account, reference, []);
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            await accounts.UpdatePasswordHashAsync(account.Id, hasher.HashPassword(account, password), changedAt: null, ct);
            await RecordAsync(SecurityEventKind.PasswordRehashed, account.Id, request, ReferenceCode.New(), null, ct);
        }
        await RecordAsync(SecurityEventKind.SignInSucceeded, account.Id, request, reference, null, ct);
        return new(SignInOutcome.Succeeded, account, reference, []);
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
