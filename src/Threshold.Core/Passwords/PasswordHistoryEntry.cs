namespace Threshold.Core.Passwords;

/// <summary>
/// A password the account used before: refused when chosen again, and recognised at
/// sign-in to say "that's an old password, it was changed on …".
/// </summary>
public class PasswordHistoryEntry
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string PasswordHash { get; set; }
    /// <summary>When it stopped being the password.</summary>
    public DateTimeOffset ReplacedAt { get; set; }
    /// <summary>False when it was replaced through a recovery flow rather than by the signed-in owner.</summary>
    public bool ReplacedByOwner { get; set; }
}
