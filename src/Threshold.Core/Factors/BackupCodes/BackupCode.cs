namespace Threshold.Core.Factors.BackupCodes;

/// <summary>One of the printed codes for when no other factor is at hand. Stored hashed; works once.</summary>
public class BackupCode
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string Hash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}
