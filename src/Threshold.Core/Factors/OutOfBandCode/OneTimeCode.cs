using Threshold.Core.Messaging;

namespace Threshold.Core.Factors.OutOfBandCode;

/// <summary>What a code sent by text message or email is for.</summary>
public enum CodePurpose
{
    /// <summary>The second step of a sign-in (bound to that sign-in).</summary>
    SignIn = 1,
    /// <summary>Proving a new phone number before text-message codes are turned on.</summary>
    ConfirmPhone = 2,
    /// <summary>Proving a backup email address before it counts for recovery and notices.</summary>
    ConfirmRecoveryEmail = 3,
    /// <summary>A support agent's identity check: the customer reads it back (bound to the agent).</summary>
    SupportCheck = 4,
}

/// <summary>A six-digit code we sent. Only a salted hash is kept; it works once, for a short time, for a few tries.</summary>
public class OneTimeCode
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public CodePurpose Purpose { get; set; }
    public MessageChannel Channel { get; set; }
    public required string Destination { get; set; }
    public required string CodeHash { get; set; }
    /// <summary>The sign-in or session the code belongs to: a code asked for in one browser does not work in another.</summary>
    public required string Binding { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public int FailedAttempts { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}
