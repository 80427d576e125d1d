using Threshold.Core.Messaging;

namespace Threshold.Core.Flows.Recovery;

/// <summary>
/// One "forgot password" request. Its secret (the link's token, or the texted code) is
/// stored only as a hash. A ticket for an identifier that matches no account is a decoy:
/// it is never sent, but behaves like a real one so the pages cannot tell them apart.
/// </summary>
public class ResetTicket
{
    public Guid Id { get; set; }
    /// <summary>Null for a decoy.</summary>
    public Guid? AccountId { get; set; }
    public MessageChannel Channel { get; set; }
    /// <summary>The identifier as normalised, for per-identifier cooldowns that do not depend on an account existing.</summary>
    public required string RequestKey { get; set; }
    public required string SecretHash { get; set; }
    /// <summary>For codes: the browser that asked (ASVS 6.6.2). Only a hash of its cookie.</summary>
    public string? BrowserBindingHash { get; set; }
    /// <summary>The account's security stamp when the ticket was made: any password change since voids it.</summary>
    public string? SecurityStamp { get; set; }
    public string? Destination { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
    public int FailedAttempts { get; set; }
}
