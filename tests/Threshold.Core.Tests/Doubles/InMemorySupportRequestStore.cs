using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Support;

namespace Threshold.Core.Tests.Doubles;

/// <summary>The support queue in a list; each request's opening event beside it (the database saves both at once).</summary>
public sealed class InMemorySupportRequestStore : ISupportRequestStore
{
    public List<SupportRequest> Requests { get; } = [];
    public List<SecurityEvent> Events { get; } = [];

    public Task<string> AddAsync(SupportRequest request, SecurityEvent opened, CancellationToken ct = default)
    {
        // As the database's unique index and the store's retry: a taken number is replaced.
        while (Requests.Any(r => r.Number == request.Number))
        {
            request.Number = ReferenceCode.New();
            if (opened.Kind == SecurityEventKind.SupportRequestOpened) opened.Identifier = request.Number;
        }
        Requests.Add(request);
        Events.Add(opened);
        return Task.FromResult(request.Number);
    }

    public Task<SupportRequest?> FindByNumberAsync(string number, CancellationToken ct = default) =>
        Task.FromResult(Requests.FirstOrDefault(r => r.Number == number));

    public Task<IReadOnlyList<SupportRequest>> ListAsync(SupportRequestStatus status, int skip, int take, CancellationToken ct = default)
    {
        var matching = Requests.Where(r => r.Status == status);
        matching = status == SupportRequestStatus.Open ? matching.OrderBy(r => r.CreatedAt) : matching.OrderByDescending(r => r.ClosedAt);
        return Task.FromResult<IReadOnlyList<SupportRequest>>(matching.Skip(skip).Take(take).ToList());
    }

    public Task<int> CountAsync(SupportRequestStatus status, CancellationToken ct = default) =>
        Task.FromResult(Requests.Count(r => r.Status == status));

    public Task<IReadOnlyList<SupportRequest>> ForAccountAsync(Guid accountId, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<SupportRequest>>(Requests.Where(r => r.AccountId == accountId).OrderByDescending(r => r.CreatedAt).ToList());

    public Task<bool> TryCloseAsync(Guid requestId, Guid agentId, string? note, DateTimeOffset at, AgentAuditEntry audit, CancellationToken ct = default)
    {
        if (Requests.FirstOrDefault(r => r.Id == requestId && r.Status == SupportRequestStatus.Open) is not { } request) return Task.FromResult(false);
        request.Status = SupportRequestStatus.Closed;
        request.ClosedAt = at;
        request.ClosedBy = agentId;
        request.ClosingNote = note;
        return Task.FromResult(true);
    }
}
