namespace Threshold.Core.Factors.Totp;

/// <summary>
/// An authenticator-app key. It is made unconfirmed; only a confirmed one is active
/// (nothing is enrolled half-way). The secret is stored encrypted.
/// </summary>
public class TotpAuthenticator
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required string ProtectedSecret { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ConfirmedAt { get; set; }
    /// <summary>The newest 30-second step a code was accepted for; older or equal steps are refused (ASVS 6.5.1).</summary>
    public long LastUsedStep { get; set; }
}
