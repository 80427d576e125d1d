using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Core.Secrets;

namespace Threshold.Core.Flows.Registration;

public sealed record RegistrationRequest(string? Email, string? Username, string? Password, string? BrowserBindingToken, ClientInfo Client);

/// <summary>Either the form's problems, or accepted: "check your email", whatever happened behind it.</summary>
public sealed record RegistrationResult(IReadOnlyList<FieldProblem> Problems, string ReferenceCode)
{
    public bool Accepted => Problems.Count == 0;
}

/// <summary>
/// Creates accounts without telling anyone whether an email or username was taken:
/// the answer is always "check your email", and the mailbox learns the rest. The
/// password is hashed on every path so the answer also takes the same time.
/// </summary>
public sealed class Registration(
    IAccountStore accounts,
    IPasswordHasher<Account> hasher,
    PasswordPolicy policy,
    MessageComposer messages,
    OutboxSignal outboxSignal,
    IOptions<ThresholdOptions> options,
    TimeProvider clock)
{
    public async Task<RegistrationResult> RegisterAsync(RegistrationRequest request, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var email = Identifiers.Clean(request.Email);
        var username = Identifiers.Clean(request.Username);
        var problems = Check(email, username, request.Password);
        if (problems.Count > 0) return new(problems, reference);

        var account = new Account
        {
            Id = Guid.NewGuid(),
            Email = email,
            NormalizedEmail = Identifiers.Normalize(email),
            UserName = username,
            NormalizedUserName = Identifiers.Normalize(username),
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            CreatedAt = clock.GetUtcNow(),
        };
        account.PasswordHash = hasher.HashPassword(account, request.Password!);
        account.PasswordChangedAt = account.CreatedAt;

        if (!await TryCreateAsync(account, request, reference, ct))
            await TellOwnerOfTakenIdentifierAsync(account, request.Client, reference, ct);
        outboxSignal.Notify();
        return new([], reference);
    }

    private List<FieldProblem> Check(string email, string username, string? password)
    {
        var problems = new List<FieldProblem>();
        if (Identifiers.CheckEmail(email) is { } emailProblem)
            problems.Add(new("Email", emailProblem == IdentifierProblem.Missing ? "email.missing" : "email.invalid"));
        if (Identifiers.CheckUsername(username) is { } usernameProblem)
            problems.Add(new("Username", usernameProblem switch
            {
                IdentifierProblem.Missing => "username.missing",
                IdentifierProblem.UsernameLength => "username.length",
                IdentifierProblem.UsernameLooksLikeEmail => "username.email_shaped",
                _ => "username.characters",
            }));
        if (policy.Check(password, [email, username]) is { } passwordProblem)
            problems.Add(new("Password", "password." + passwordProblem.ToString().ToLowerInvariant()));
        return problems;
    }

    private async Task<bool> TryCreateAsync(Account account, RegistrationRequest request, string reference, CancellationToken ct)
    {
        // Identifiers are unique across kinds: neither may be another account's email or username.
        if (await accounts.FindByIdentifierAsync(account.NormalizedEmail!, ct) is not null ||
            await accounts.FindByIdentifierAsync(account.NormalizedUserName!, ct) is not null)
            return false;

        var token = SecretToken.New();
        var verification = new EmailVerification
        {
            Id = Guid.NewGuid(),
            AccountId = account.Id,
            TokenHash = SecretToken.Hash(token),
            BrowserBindingHash = SecretToken.Parse(request.BrowserBindingToken) is { } binding ? SecretToken.Hash(binding) : null,
            NormalizedEmail = account.NormalizedEmail!,
            CreatedAt = account.CreatedAt,
            ExpiresAt = account.CreatedAt + options.Value.VerificationLinkLifetime,
        };
        var link = options.Value.Link("verify-email?token=" + token);
        var welcome = messages.Welcome(account.Email!, account.UserName!, link, reference);
        // A race with another registration for the same identifiers ends here: the store writes nothing.
        return await accounts.TryCreateAsync(account, verification, [welcome], SecurityEvent.Of(SecurityEventKind.Registered, clock.GetUtcNow(), request.Client, reference, account.Id, account.Email), ct);
    }

    /// <summary>The address's owner hears what happened; the person at the form learns nothing.</summary>
    private async Task TellOwnerOfTakenIdentifierAsync(Account attempted, ClientInfo client, string reference, CancellationToken ct)
    {
        var existing = await accounts.FindByIdentifierAsync(attempted.NormalizedEmail!, ct);
        if (existing is not null)
        {
            await EnqueueAsync(messages.AlreadyRegistered(existing.Email!, existing.UserName!, reference),
                SecurityEvent.Of(SecurityEventKind.RegistrationForExistingEmail, clock.GetUtcNow(), client, reference, existing.Id, attempted.Email), ct);
            return;
        }
        await EnqueueAsync(messages.UsernameUnavailable(attempted.Email!, attempted.UserName!, reference),
            SecurityEvent.Of(SecurityEventKind.RegistrationUsernameUnavailable, clock.GetUtcNow(), client, reference, null, attempted.UserName), ct);
    }

    private Task EnqueueAsync(OutboxMessage message, SecurityEvent securityEvent, CancellationToken ct) =>
        accounts.RecordAsync([message], securityEvent, ct);

}
