using Threshold.Core.Activity;

namespace Threshold.Core.Tests.Doubles;

/// <summary>An event log that keeps what it is told, in order.</summary>
public sealed class RecordingEventLog : ISecurityEventLog
{
    public List<SecurityEvent> Events { get; } = [];

    public Task RecordAsync(SecurityEvent securityEvent, CancellationToken ct = default)
    {
        Events.Add(securityEvent);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<SecurityEvent>> ForAccountAsync(Guid accountId, int take, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<SecurityEvent>>(Events.Where(e => e.AccountId == accountId).Reverse().Take(take).ToList());

    public Task<SecurityEvent?> FindByReferenceAsync(string referenceCode, CancellationToken ct = default) =>
        Task.FromResult(Events.FirstOrDefault(e => e.ReferenceCode == referenceCode));

    public Task<int> CountAsync(Guid accountId, SecurityEventKind kind, DateTimeOffset since, CancellationToken ct = default) =>
        Task.FromResult(Events.Count(e => e.AccountId == accountId && e.Kind == kind && e.At >= since));
}
