using Microsoft.EntityFrameworkCore;
using Threshold.Core.Defense;

namespace Threshold.Store;

/// <summary>The throttles' counters, spent challenges and keys in the database (the default; Redis comes with scale-out).</summary>
public sealed class EfThrottleStore(ThresholdDbContext db) : IThrottleStore
{
    private DbSet<ThrottleCounter> Counters => db.Set<ThrottleCounter>();

    public async Task<IReadOnlyDictionary<string, ThrottleCounter>> GetAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default) =>
        await Counters.AsNoTracking().Where(c => keys.Contains(c.Key)).ToDictionaryAsync(c => c.Key, ct);

    public async Task<ThrottleCounter> RecordFailureAsync(string key, DateTimeOffset at, DateTimeOffset restartIfLastBefore, CancellationToken ct = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            // One statement: concurrent failures are each counted (SET reads the row's old values).
            var updated = await Counters.Where(c => c.Key == key).ExecuteUpdateAsync(s => s
                .SetProperty(c => c.Failures, c => c.LastFailureAt < restartIfLastBefore ? 1 : c.Failures + 1)
                .SetProperty(c => c.NotifiedAt, c => c.LastFailureAt < restartIfLastBefore ? null : c.NotifiedAt)
                .SetProperty(c => c.LastFailureAt, at), ct);
            if (updated == 0)
            {
                Counters.Add(new ThrottleCounter { Key = key, Failures = 1, LastFailureAt = at });
                try { await db.SaveChangesAsync(ct); }
                catch (DbUpdateException) when (attempt < 3) { continue; } // another request inserted it first: count on it
                finally { db.ChangeTracker.Clear(); }
            }
            return await Counters.AsNoTracking().SingleAsync(c => c.Key == key, ct);
        }
    }

    public async Task ResetAsync(IReadOnlyCollection<string> keys, CancellationToken ct = default) =>
        await Counters.Where(c => keys.Contains(c.Key)).ExecuteDeleteAsync(ct);

    public async Task<bool> TryMarkNotifiedAsync(string key, DateTimeOffset at, CancellationToken ct = default) =>
        await Counters.Where(c => c.Key == key && c.NotifiedAt == null).ExecuteUpdateAsync(s => s.SetProperty(c => c.NotifiedAt, at), ct) == 1;

    public async Task<bool> TrySpendChallengeAsync(string id, DateTimeOffset expiresAt, DateTimeOffset now, CancellationToken ct = default)
    {
        // Now and then, forget challenges that can no longer be answered anyway.
        if (Random.Shared.Next(32) == 0)
            await db.Set<SpentChallenge>().Where(c => c.ExpiresAt < now).ExecuteDeleteAsync(ct);
        // A replay is the usual case of a duplicate: answer it without provoking (and logging) a constraint error.
        if (await db.Set<SpentChallenge>().AnyAsync(c => c.Id == id, ct)) return false;
        db.Set<SpentChallenge>().Add(new SpentChallenge { Id = id, ExpiresAt = expiresAt });
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally { db.ChangeTracker.Clear(); }
    }

    public async Task<string> GetOrAddKeyAsync(string name, string candidate, CancellationToken ct = default)
    {
        if (await db.Set<DefenseKey>().AsNoTracking().FirstOrDefaultAsync(k => k.Name == name, ct) is { } existing) return existing.Value;
        db.Set<DefenseKey>().Add(new DefenseKey { Name = name, Value = candidate });
        try { await db.SaveChangesAsync(ct); }
        catch (DbUpdateException) { }
        finally { db.ChangeTracker.Clear(); }
        return (await db.Set<DefenseKey>().AsNoTracking().SingleAsync(k => k.Name == name, ct)).Value;
    }
}

/// <summary>The defences' tables.</summary>
internal static class DefenseModel
{
    public static void Configure(ModelBuilder builder)
    {
        builder.Entity<ThrottleCounter>(c =>
        {
            c.ToTable("ThrottleCounters");
            c.HasKey(x => x.Key);
            c.Property(x => x.Key).HasMaxLength(64);
            c.HasIndex(x => x.LastFailureAt);
        });
        builder.Entity<SpentChallenge>(c =>
        {
            c.ToTable("SpentChallenges");
            c.HasKey(x => x.Id);
            c.Property(x => x.Id).HasMaxLength(64);
            c.HasIndex(x => x.ExpiresAt);
        });
        builder.Entity<DefenseKey>(k =>
        {
            k.ToTable("DefenseKeys");
            k.HasKey(x => x.Name);
            k.Property(x => x.Name).HasMaxLength(64);
            k.Property(x => x.Value).HasMaxLength(256);
        });
    }
}
