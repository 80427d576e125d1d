using Microsoft.Extensions.Options;

namespace Threshold.Core.Defense;

/// <summary>
/// How many password checks for unknown devices may run at once on this instance (each costs
/// several Argon2id hashes). When they are all busy, an unknown device waits briefly
/// (Throttle:BudgetQueueWait) and then gets the challenge; one that answered the challenge
/// waits longer (Throttle:BudgetWait). Known devices never take a place, so a flood of guesses cannot starve the
/// owners' own sign-ins of CPU.
/// </summary>
public sealed class VerificationBudget : IDisposable
{
    private readonly SemaphoreSlim _slots;

    public VerificationBudget(IOptions<ThrottleOptions> options)
    {
        Capacity = options.Value.UnknownDeviceConcurrency is > 0 and var n ? n : Math.Max(1, Environment.ProcessorCount - 1);
        _slots = new SemaphoreSlim(Capacity, Capacity);
    }

    public int Capacity { get; }

    /// <summary>A slot, or null when none frees up within <paramref name="wait"/>. Dispose the slot to give it back.</summary>
    public async Task<IDisposable?> TryEnterAsync(TimeSpan wait, CancellationToken ct)
    {
        if (!await _slots.WaitAsync(wait, ct)) return null;
        return new Slot(_slots);
    }

    public void Dispose() => _slots.Dispose();

    private sealed class Slot(SemaphoreSlim slots) : IDisposable
    {
        private int _released;
        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0) slots.Release();
        }
    }
}
