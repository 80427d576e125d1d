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

    public Task<IReadOnlyList<SecurityEvent>> PageAsync(Guid accountId, IReadOnlyCollection<SecurityEventKind> kinds, int skip, int take,
        CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<SecurityEvent>>(Of(accountId, kinds).OrderByDescending(e => e.At).Skip(skip).Take(take).ToList());

    public Task<int> CountAsync(Guid accountId, IReadOnlyCollection<SecurityEventKind> kinds, CancellationToken ct = default) =>
        Task.FromResult(Of(accountId, kinds).Count());

    public Task<SignInFirsts> FirstSeenAsync(Guid accountId, CancellationToken ct = default)
    {
        var signIns = Of(accountId, [SecurityEventKind.SignInSucceeded]).ToList();
        return Task.FromResult(new SignInFirsts(
            signIns.Where(e => e.DeviceHash is not null).GroupBy(e => e.DeviceHash!).ToDictionary(g => g.Key, g => g.Min(e => e.At)),
            signIns.Where(e => e.CountryCode is not null).GroupBy(e => e.CountryCode!).ToDictionary(g => g.Key, g => g.Min(e => e.At))));
    }

    private IEnumerable<SecurityEvent> Of(Guid accountId, IReadOnlyCollection<SecurityEventKind> kinds) =>
        Events.Where(e => e.AccountId == accountId && kinds.Contains(e.Kind));
}
