namespace Threshold.Core.Messaging;

public enum MessageChannel { Email = 1, Sms = 2 }

/// <summary>
/// A message waiting to go out, or gone. Written in the same transaction as the
/// change it reports, so nothing is lost; delivered by <see cref="OutboxDispatcher"/>.
/// </summary>
public class OutboxMessage
{
    public Guid Id { get; set; }
    public MessageChannel Channel { get; set; }
    /// <summary>Which template made it ("welcome", "already-registered" …).</summary>
    public required string Template { get; set; }
    public required string To { get; set; }
    public required string Subject { get; set; }
    public required string TextBody { get; set; }
    public string? HtmlBody { get; set; }
    public required string ReferenceCode { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    /// <summary>While set and in the future, one sender owns the message (several instances may run).</summary>
    public DateTimeOffset? LeasedUntil { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? SentAt { get; set; }
}

public interface IOutboxStore
{
    /// <summary>Leases up to <paramref name="max"/> unsent messages that are due, so no other sender takes them.</summary>
    Task<IReadOnlyList<OutboxMessage>> ClaimDueAsync(MessageChannel channel, DateTimeOffset now, TimeSpan lease, int max, CancellationToken ct = default);
    /// <summary>Marks a message sent and drops its bodies: they may hold single-use links that need not outlive delivery.</summary>
    Task MarkSentAsync(Guid id, DateTimeOffset at, CancellationToken ct = default);
    Task MarkFailedAsync(Guid id, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken ct = default);
    Task<IReadOnlyList<OutboxMessage>> RecentAsync(int take, CancellationToken ct = default);
    Task EnqueueAsync(OutboxMessage message, CancellationToken ct = default);
}

/// <summary>A way out for one channel: SMTP for email, a provider for SMS.</summary>
public interface IMessageTransport
{
    MessageChannel Channel { get; }
    /// <summary>Returns only once the receiving server accepted the message; throws when it did not.</summary>
    Task SendAsync(OutboxMessage message, CancellationToken ct);
}

/// <summary>Wakes the sender when a message was queued, so mail leaves at once instead of at the next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _signal = new(0);
    public void Notify() { if (_signal.CurrentCount == 0) _signal.Release(); }
    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken ct) => _signal.WaitAsync(timeout, ct);
}
