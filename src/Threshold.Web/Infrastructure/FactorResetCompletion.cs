using Threshold.Core.Support.Actions;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// Completes two-step resets whose waiting period is over, once a minute on the app's TimeProvider
/// (so tests move a fake clock instead of waiting). Every instance may run it: completing is one
/// conditional write per reset, so a reset completes once.
/// </summary>
public sealed class FactorResetCompletion(IServiceScopeFactory scopes, TimeProvider clock, ILogger<FactorResetCompletion> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval, clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await TickAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested) { }
    }

    /// <summary>One run: completes what is due now. A fault is logged and the next tick tries again.</summary>
    public async Task<int> TickAsync(CancellationToken ct)
    {
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<FactorResets>().CompleteDueAsync(clock.GetUtcNow(), ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Completing due two-step resets failed; trying again at the next tick");
            return 0;
        }
    }
}
