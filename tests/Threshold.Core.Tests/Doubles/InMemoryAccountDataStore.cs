using Threshold.Core.Accounts.Data;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using Threshold.Core.Support;

namespace Threshold.Core.Tests.Doubles;

/// <summary>Support requests to list, and a record of what a deletion was asked to write (the EF store's own tests cover the rest).</summary>
public sealed class InMemoryAccountDataStore : IAccountDataStore
{
    public List<SupportRequest> Requests { get; } = [];
    public List<(Guid AccountId, IReadOnlyList<OutboxMessage> Notices, SecurityEvent Deleted)> Deletions { get; } = [];

    public Task<IReadOnlyList<SupportRequest>> OpenSupportRequestsAsync(Guid accountId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<SupportRequest>>(Requests.Where(r => r.AccountId == accountId && r.Status == SupportRequestStatus.Open)
            .OrderByDescending(r => r.CreatedAt).ToList());

    public Task<bool> DeleteAccountAsync(Guid accountId, IReadOnlyList<OutboxMessage> notices, SecurityEvent deleted, CancellationToken ct = default)
    {
        if (Deletions.Any(d => d.AccountId == accountId)) return Task.FromResult(false);
        Deletions.Add((accountId, notices, deleted));
        Requests.Where(r => r.AccountId == accountId).ToList().ForEach(r => r.AccountId = null);
        return Task.FromResult(true);
    }
}
