using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Messaging;
using Threshold.Core.Secrets;
using Threshold.Core.Sessions;
using Threshold.Core.Support;

namespace Threshold.Store.Tests;

/// <summary>
/// Rows that several specifications need in the same shape. Each specification passes its own
/// moment and adjusts what its tests are about (e.g. an unverified email) on the returned object.
/// </summary>
internal static class TestRows
{
    /// <summary>
    /// A verified account (most flows act only on one) named <paramref name="username"/>, with the
    /// email username@example.com unless given.
    /// </summary>
    public static Account Account(string username, DateTimeOffset createdAt, string? email = null)
    {
        email ??= username + "@example.com";
        return new Account
        {
            Id = Guid.NewGuid(),
            UserName = username,
            NormalizedUserName = Identifiers.Normalize(username),
            Email = email,
            NormalizedEmail = Identifiers.Normalize(email),
            EmailConfirmed = true,
            PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$" + Hash(),
            SecurityStamp = Guid.NewGuid().ToString("N"),
            ConcurrencyStamp = Guid.NewGuid().ToString("N"),
            CreatedAt = createdAt,
        };
    }

    public static SecurityEvent Event(Guid? accountId, SecurityEventKind kind, DateTimeOffset at, string? identifier = null) => new()
    {
        Id = Guid.NewGuid(),
        At = at,
        Kind = kind,
        AccountId = accountId,
        Identifier = identifier,
        ReferenceCode = ReferenceCode.New(),
    };

    /// <summary>A plain-text message, due at once; the body differs from message to message.</summary>
    public static OutboxMessage Message(MessageChannel channel, string template, string to, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(),
        Channel = channel,
        Template = template,
        To = to,
        Subject = "Subject",
        TextBody = "Text " + Guid.NewGuid().ToString("N"),
        ReferenceCode = ReferenceCode.New(),
        CreatedAt = at,
        NextAttemptAt = at,
    };

    /// <summary>A hash as the app stores it, so the columns are checked against the real format.</summary>
    public static string Hash() => SecretToken.Hash(SecretToken.New());

    /// <summary>A signed-in browser of the account, valid for a day from <paramref name="at"/>.</summary>
    public static Session Session(Guid accountId, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, TokenHash = Hash(), CreatedAt = at, LastSeenAt = at, AuthenticatedAt = at, ExpiresAt = at.AddHours(24),
    };

    /// <summary>A sign-in of the account waiting for its second step.</summary>
    public static PendingSignIn PendingSignIn(Guid accountId, DateTimeOffset at) => new()
    {
        Id = Guid.NewGuid(), TokenHash = Hash(), Purpose = PendingSignInPurpose.SignIn, AccountId = accountId, CreatedAt = at, ExpiresAt = at.AddMinutes(10),
    };

    /// <summary>A two-step reset asked for at <paramref name="requestedAt"/>, pending, due after <paramref name="delay"/>.</summary>
    public static FactorReset FactorReset(Guid accountId, DateTimeOffset requestedAt, TimeSpan delay) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, AgentId = Guid.NewGuid(), RequestNumber = ReferenceCode.New(), RequestedAt = requestedAt,
        DueAt = requestedAt + delay, CancelTokenHash = Hash(),
    };
}
