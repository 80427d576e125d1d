using Microsoft.Extensions.Logging;

namespace Threshold.Core.Messaging;

/// <summary>
/// One delivery pass: lease due messages, hand each to its transport, record the
/// outcome. A message counts as sent only after the transport returned; failures
/// are retried with exponential backoff, capped, and never dropped.
/// </summary>
public sealed class OutboxDispatcher(IOutboxStore store, IMessageTransport transport, TimeProvider clock, ILogger<OutboxDispatcher> logger)
{
    public static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);
    public static readonly TimeSpan MaxBackoff = TimeSpan.FromMinutes(10);
    private const int BatchSize = 20;

    public static TimeSpan Backoff(int attempts) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Min(attempts, 20)), MaxBackoff.TotalSeconds));

    /// <returns>How many messages were delivered.</returns>
    public async Task<int> DeliverDueAsync(CancellationToken ct)
    {
        var due = await store.ClaimDueAsync(transport.Channel, clock.GetUtcNow(), Lease, BatchSize, ct);
        var delivered = 0;
        foreach (var message in due)
        {
            try
            {
                await transport.SendAsync(message, ct);
                await store.MarkSentAsync(message.Id, clock.GetUtcNow(), ct);
                delivered++;
                logger.LogInformation("Delivered {Template} message {MessageId} (reference {Reference})", message.Template, message.Id, message.ReferenceCode);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var attempts = message.Attempts + 1;
                var next = clock.GetUtcNow() + Backoff(attempts);
                // The exception text is the transport's (connection refused, 4xx/5xx reply); it never holds the body.
                await store.MarkFailedAsync(message.Id, attempts, next, $"{ex.GetType().Name}: {ex.Message}", ct);
                logger.LogWarning("Delivery of message {MessageId} failed (attempt {Attempts}, next at {Next}): {Error}",
                    message.Id, attempts, next, ex.Message);
            }
        }
        return delivered;
    }
}
