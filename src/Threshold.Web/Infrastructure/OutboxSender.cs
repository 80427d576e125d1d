using Threshold.Core.Messaging;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// Runs delivery passes for every configured transport (SMTP for email, a provider for
/// text messages): at once when a message is queued in this instance, and at least every
/// second otherwise (messages queued by other instances, retries).
/// </summary>
public sealed class OutboxSender(IServiceScopeFactory scopes, OutboxSignal signal, TimeProvider clock, ILoggerFactory loggers, ILogger<OutboxSender> logger)
    : BackgroundService
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var store = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
                foreach (var transport in scope.ServiceProvider.GetServices<IMessageTransport>())
                {
                    var dispatcher = new OutboxDispatcher(store, transport, clock, loggers.CreateLogger<OutboxDispatcher>());
                    while (await dispatcher.DeliverDueAsync(stoppingToken) > 0) { }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // The database may be down: keep going, the messages are safe in the outbox.
                logger.LogError(ex, "Outbox delivery pass failed; retrying");
            }
            try { await signal.WaitAsync(PollInterval, stoppingToken); }
            catch (OperationCanceledException) { return; }
        }
    }
}
