using Threshold.Core.Messaging;

namespace Threshold.Core.Tests.Doubles;

/// <summary>An outbox that behaves like the database one: leases due messages, hands out copies.</summary>
public sealed class InMemoryOutboxStore : IOutboxStore
{
    private readonly List<OutboxMessage> _messages = [];

    public List<(Guid Id, DateTimeOffset At)> SentMarks { get; } = [];
    public List<(Guid Id, int Attempts, DateTimeOffset NextAttemptAt, string Error)> FailedMarks { get; } = [];

    public Task<IReadOnlyList<OutboxMessage>> ClaimDueAsync(MessageChannel channel, DateTimeOffset now, TimeSpan lease, int max, CancellationToken ct = default)
    {
        var due = _messages
            .Where(m => m.Channel == channel && m.SentAt is null && m.NextAttemptAt <= now && (m.LeasedUntil is null || m.LeasedUntil <= now))
            .OrderBy(m => m.NextAttemptAt)
            .Take(max)
            .ToList();
        foreach (var m in due) m.LeasedUntil = now + lease;
        return Task.FromResult<IReadOnlyList<OutboxMessage>>(due.Select(Copy).ToList());
    }

    public Task MarkSentAsync(Guid id, DateTimeOffset at, CancellationToken ct = default)
    {
        SentMarks.Add((id, at));
        var m = Find(id);
        m.SentAt = at;
        m.LeasedUntil = null;
        m.TextBody = "";
        m.HtmlBody = null;
        return Task.CompletedTask;
    }

    public Task MarkFailedAsync(Guid id, int attempts, DateTimeOffset nextAttemptAt, string error, CancellationToken ct = default)
    {
        FailedMarks.Add((id, attempts, nextAttemptAt, error));
        var m = Find(id);
        m.Attempts = attempts;
        m.NextAttemptAt = nextAttemptAt;
        m.LastError = error;
        m.LeasedUntil = null;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<OutboxMessage>> RecentAsync(int take, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<OutboxMessage>>(_messages.OrderByDescending(m => m.CreatedAt).Take(take).Select(Copy).ToList());

    public Task EnqueueAsync(OutboxMessage message, CancellationToken ct = default)
    {
        _messages.Add(Copy(message));
        return Task.CompletedTask;
    }

    public OutboxMessage Get(Guid id) => Copy(Find(id));

    public int Count => _messages.Count;

    private OutboxMessage Find(Guid id) => _messages.Single(m => m.Id == id);

    private static OutboxMessage Copy(OutboxMessage m) => new()
    {
        Id = m.Id,
        Channel = m.Channel,
        Template = m.Template,
        To = m.To,
        Subject = m.Subject,
        TextBody = m.TextBody,
        HtmlBody = m.HtmlBody,
        ReferenceCode = m.ReferenceCode,
        CreatedAt = m.CreatedAt,
        NextAttemptAt = m.NextAttemptAt,
        LeasedUntil = m.LeasedUntil,
        Attempts = m.Attempts,
        LastError = m.LastError,
        SentAt = m.SentAt,
    };
}
