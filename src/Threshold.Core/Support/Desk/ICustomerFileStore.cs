namespace Threshold.Core.Support.Desk;

/// <summary>What the customer's page reads beyond the account and its sessions.</summary>
public interface ICustomerFileStore
{
    /// <summary>The two-step reset of this account still waiting to take effect, if any (the one due first).</summary>
    Task<FactorReset?> PendingFactorResetAsync(Guid accountId, CancellationToken ct = default);
}
