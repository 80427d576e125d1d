namespace Threshold.Core.Accounts;

/// <summary>A pending "is this your address?" link. Only hashes of the secrets are stored.</summary>
public class EmailVerification
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string TokenHash { get; set; }
    /// <summary>Hash of a secret kept in a cookie of the browser that registered; that browser continues signed in.</summary>
    public string? BrowserBindingHash { get; set; }
    public required string NormalizedEmail { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}
