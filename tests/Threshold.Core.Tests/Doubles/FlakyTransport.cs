using Threshold.Core.Messaging;

namespace Threshold.Core.Tests.Doubles;

/// <summary>Fails the first <c>failures</c> sends, then succeeds. Records what the store looked like at each send.</summary>
public sealed class FlakyTransport(InMemoryOutboxStore store, int failures = 0, MessageChannel channel = MessageChannel.Email) : IMessageTransport
{
    private int _remainingFailures = failures;

    public MessageChannel Channel => channel;
    public List<Guid> Attempts { get; } = [];
    public List<Guid> Delivered { get; } = [];
    /// <summary>For each send: was the message already marked sent in the store while the transport was working?</summary>
    public List<bool> SentAlreadyMarkedDuringSend { get; } = [];
    /// <summary>When set, each send waits for it before deciding.</summary>
    public TaskCompletionSource? Gate { get; set; }
    public Exception? FailWith { get; set; }

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        Attempts.Add(message.Id);
        SentAlreadyMarkedDuringSend.Add(store.Get(message.Id).SentAt is not null);
        if (Gate is not null) await Gate.Task.WaitAsync(ct);
        if (_remainingFailures > 0)
        {
            _remainingFailures--;
            throw FailWith ?? new IOException("454 4.7.0 TLS not available");
        }
        Delivered.Add(message.Id);
    }
}
