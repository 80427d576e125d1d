using System.Collections.Concurrent;
using Threshold.Core.Defense;

namespace Threshold.Core.Tests.Doubles;

public sealed class InMemoryThrottleStore : IThrottleStore
{
    private readonly object _gate = new();
    public Dictionary<string, ThrottleCounter> Counters { get; } = new();
    public ConcurrentDictionary<string, DateTimeOffset> Spent { get; } = new();
    private readonly ConcurrentDictionary<string, string> _keys = new();

    public Task<IReadOnlyDictionary<string, ThrottleCounter>> GetAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyDictionary<string, ThrottleCounter>>(
                Counters.Where(c => keys.Contains(c.Key)).ToDictionary(c => c.Key, c => Copy(c.Value)));
    }

    public Task<ThrottleCounter> RecordFailureAsync(string key, DateTimeOffset at, DateTimeOffset restartIfLastBefore, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!Counters.TryGetValue(key, out var c)) Counters[key] = c = new ThrottleCounter { Key = key, LastFailureAt = at };
            else if (c.LastFailureAt < restartIfLastBefore) { c.Failures = 0; c.NotifiedAt = null; }
            c.Failures++;
            c.LastFailureAt = at;
            return Task.FromResult(Copy(c));
        }
    }

    public Task ResetAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default)
    {
        lock (_gate) foreach (var k in keys) Counters.Remove(k);
        return Task.CompletedTask;
    }

    public Task<bool> TryMarkNotifiedAsync(string key, DateTimeOffset at, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!Counters.TryGetValue(key, out var c) || c.NotifiedAt is not null) return Task.FromResult(false);
            c.NotifiedAt = at;
            return Task.FromResult(true);
        }
    }

    public Task<bool> TrySpendChallengeAsync(string id, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct = default) =>
        Task.FromResult(Spent.TryAdd(id, expiresAt));

    public Task<string> GetOrAddKeyAsync(string name, string candidate, CancellationToken ct = default) =>
        Task.FromResult(_keys.GetOrAdd(name, candidate));

    private static ThrottleCounter Copy(ThrottleCounter c) => new() { Key = c.Key, Failures = c.Failures, LastFailureAt = c.LastFailureAt, NotifiedAt = c.NotifiedAt };
}
