namespace Threshold.Core.Support;

/// <summary>
/// A two-step reset an agent asked for. It waits (<see cref="SupportOptions.FactorResetDelay"/>)
/// while the customer's contacts are told and can cancel from the message; only then are the
/// second factors removed. An attacker who fooled an agent meets the real owner's "Cancel".
/// </summary>
public class FactorReset
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public Guid AgentId { get; set; }
    public string? RequestNumber { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public DateTimeOffset DueAt { get; set; }
    /// <summary>Hash of the secret in the customer's "Cancel this reset" link.</summary>
    public required string CancelTokenHash { get; set; }
    public DateTimeOffset? CancelledAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }

    public bool IsPending => CancelledAt is null && CompletedAt is null;
}
