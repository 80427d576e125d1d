using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Messaging;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

public class OutboxDispatcherTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemoryOutboxStore _store = new();

    private OutboxDispatcher Dispatcher(IMessageTransport transport) =>
        new(_store, transport, _clock, NullLogger<OutboxDispatcher>.Instance);

    private async Task<OutboxMessage> EnqueueAsync(DateTimeOffset? due = null, MessageChannel channel = MessageChannel.Email, int attempts = 0)
    {
        var message = new OutboxMessage
        {
            Id = Guid.NewGuid(),
            Channel = channel,
            Template = "welcome",
            To = "alice@example.com",
            Subject = "Welcome",
            TextBody = "Hello",
            HtmlBody = "<p>Hello</p>",
            ReferenceCode = "K7F3-9QX2",
            CreatedAt = _clock.GetUtcNow(),
            NextAttemptAt = due ?? _clock.GetUtcNow(),
            Attempts = attempts,
        };
        await _store.EnqueueAsync(message, Ct);
        return message;
    }

    // ---- Backoff ----

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 4)]
    [InlineData(3, 8)]
    [InlineData(5, 32)]
    [InlineData(9, 512)]
    public void Backoff_doubles_per_attempt(int attempts, int seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), OutboxDispatcher.Backoff(attempts));

    [Theory]
    [InlineData(10)]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(100)]
    [InlineData(int.MaxValue)]
    public void Backoff_is_capped_at_MaxBackoff(int attempts) =>
        Assert.Equal(OutboxDispatcher.MaxBackoff, OutboxDispatcher.Backoff(attempts));

    [Fact]
    public void MaxBackoff_is_ten_minutes() => Assert.Equal(TimeSpan.FromMinutes(10), OutboxDispatcher.MaxBackoff);

    [Fact]
    public void Backoff_never_decreases()
    {
        for (var n = 1; n < 64; n++) Assert.True(OutboxDispatcher.Backoff(n + 1) >= OutboxDispatcher.Backoff(n));
    }

    // ---- Delivery ----

    [Fact]
    public async Task Due_message_is_sent_and_marked_sent()
    {
        var message = await EnqueueAsync();
        var transport = new FlakyTransport(_store);
        Assert.Equal(1, await Dispatcher(transport).DeliverDueAsync(Ct));

        Assert.Equal([message.Id], transport.Delivered);
        var stored = _store.Get(message.Id);
        Assert.Equal(Start, stored.SentAt);
        Assert.Equal(0, stored.Attempts);
    }

    [Fact]
    public async Task Message_is_marked_sent_only_after_the_transport_returned()
    {
        var message = await EnqueueAsync();
        var transport = new FlakyTransport(_store) { Gate = new TaskCompletionSource() };
        var delivery = Dispatcher(transport).DeliverDueAsync(Ct);

        Assert.False(delivery.IsCompleted);
        Assert.Single(transport.Attempts);
        Assert.Null(_store.Get(message.Id).SentAt);
        Assert.Empty(_store.SentMarks);

        transport.Gate.SetResult();
        Assert.Equal(1, await delivery);
        Assert.NotNull(_store.Get(message.Id).SentAt);
        Assert.Equal([false], transport.SentAlreadyMarkedDuringSend);
    }

    [Fact]
    public async Task Failure_is_not_marked_sent_and_schedules_a_retry()
    {
        var message = await EnqueueAsync();
        var transport = new FlakyTransport(_store, failures: 1);
        Assert.Equal(0, await Dispatcher(transport).DeliverDueAsync(Ct));

        var stored = _store.Get(message.Id);
        Assert.Null(stored.SentAt);
        Assert.Empty(_store.SentMarks);
        Assert.Equal(1, stored.Attempts);
        Assert.Equal(Start + OutboxDispatcher.Backoff(1), stored.NextAttemptAt);
        Assert.Equal(Start.AddSeconds(2), stored.NextAttemptAt);
        Assert.Contains("IOException", stored.LastError);
        Assert.Contains("454 4.7.0", stored.LastError);
    }

    [Fact]
    public async Task Error_text_does_not_hold_the_body()
    {
        await EnqueueAsync();
        var transport = new FlakyTransport(_store, failures: 1) { FailWith = new InvalidOperationException("refused") };
        await Dispatcher(transport).DeliverDueAsync(Ct);
        var (_, _, _, error) = Assert.Single(_store.FailedMarks);
        Assert.Equal("InvalidOperationException: refused", error);
    }

    [Fact]
    public async Task Message_not_yet_due_is_not_sent()
    {
        var message = await EnqueueAsync(due: Start.AddMinutes(5));
        var transport = new FlakyTransport(_store);
        var dispatcher = Dispatcher(transport);

        Assert.Equal(0, await dispatcher.DeliverDueAsync(Ct));
        Assert.Empty(transport.Attempts);

        _clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(1));
        Assert.Equal(0, await dispatcher.DeliverDueAsync(Ct));
        Assert.Empty(transport.Attempts);

        _clock.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(1, await dispatcher.DeliverDueAsync(Ct));
        Assert.Equal([message.Id], transport.Delivered);
    }

    [Fact]
    public async Task Retries_follow_the_exponential_backoff_until_delivered()
    {
        var message = await EnqueueAsync();
        var transport = new FlakyTransport(_store, failures: 4);
        var dispatcher = Dispatcher(transport);

        for (var attempt = 1; attempt <= 4; attempt++)
        {
            var before = _clock.GetUtcNow();
            Assert.Equal(0, await dispatcher.DeliverDueAsync(Ct));
            var stored = _store.Get(message.Id);
            Assert.Equal(attempt, stored.Attempts);
            Assert.Equal(before + OutboxDispatcher.Backoff(attempt), stored.NextAttemptAt);
            Assert.Null(stored.SentAt);

            // Just before it is due again: nothing happens.
            _clock.Advance(OutboxDispatcher.Backoff(attempt) - TimeSpan.FromMilliseconds(1));
            Assert.Equal(0, await dispatcher.DeliverDueAsync(Ct));
            Assert.Equal(attempt, transport.Attempts.Count);
            Assert.Equal(attempt, _store.Get(message.Id).Attempts);

            _clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(1, await dispatcher.DeliverDueAsync(Ct));
        Assert.Equal(5, transport.Attempts.Count);
        var sent = _store.Get(message.Id);
        Assert.Equal(_clock.GetUtcNow(), sent.SentAt);
        Assert.Equal(4, sent.Attempts);
    }

    [Fact]
    public async Task Backoff_is_capped_for_a_message_that_keeps_failing()
    {
        var message = await EnqueueAsync(attempts: 15);
        var transport = new FlakyTransport(_store, failures: 1);
        await Dispatcher(transport).DeliverDueAsync(Ct);
        var stored = _store.Get(message.Id);
        Assert.Equal(16, stored.Attempts);
        Assert.Equal(Start + TimeSpan.FromMinutes(10), stored.NextAttemptAt);
    }

    [Fact]
    public async Task A_failing_message_is_never_dropped()
    {
        var message = await EnqueueAsync();
        var transport = new FlakyTransport(_store, failures: 40);
        var dispatcher = Dispatcher(transport);

        for (var i = 1; i <= 40; i++)
        {
            await dispatcher.DeliverDueAsync(Ct);
            _clock.Advance(OutboxDispatcher.MaxBackoff);
            var stored = _store.Get(message.Id);
            Assert.Equal(i, stored.Attempts);
            Assert.Null(stored.SentAt);
            Assert.Equal("Hello", stored.TextBody);
        }
        Assert.Equal(40, transport.Attempts.Count);
        Assert.Equal(1, _store.Count);

        Assert.Equal(1, await dispatcher.DeliverDueAsync(Ct));
        Assert.NotNull(_store.Get(message.Id).SentAt);
    }

    [Fact]
    public async Task One_failure_does_not_stop_the_others_in_the_batch()
    {
        var first = await EnqueueAsync(due: Start.AddSeconds(-2));
        var second = await EnqueueAsync(due: Start.AddSeconds(-1));
        var transport = new FlakyTransport(_store, failures: 1);
        Assert.Equal(1, await Dispatcher(transport).DeliverDueAsync(Ct));

        Assert.Null(_store.Get(first.Id).SentAt);
        Assert.Equal(1, _store.Get(first.Id).Attempts);
        Assert.NotNull(_store.Get(second.Id).SentAt);
        Assert.Equal([second.Id], transport.Delivered);
    }

    [Fact]
    public async Task A_sent_message_is_not_sent_again()
    {
        await EnqueueAsync();
        var transport = new FlakyTransport(_store);
        var dispatcher = Dispatcher(transport);
        Assert.Equal(1, await dispatcher.DeliverDueAsync(Ct));
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(0, await dispatcher.DeliverDueAsync(Ct));
        Assert.Single(transport.Attempts);
    }

    [Fact]
    public async Task Only_the_transport_channel_is_claimed()
    {
        var sms = await EnqueueAsync(channel: MessageChannel.Sms);
        var email = await EnqueueAsync(channel: MessageChannel.Email);
        var transport = new FlakyTransport(_store, channel: MessageChannel.Email);
        Assert.Equal(1, await Dispatcher(transport).DeliverDueAsync(Ct));
        Assert.Equal([email.Id], transport.Attempts);
        Assert.Null(_store.Get(sms.Id).SentAt);
    }

    [Fact]
    public async Task At_most_a_batch_is_sent_per_pass_and_the_rest_next_pass()
    {
        for (var i = 0; i < 25; i++) await EnqueueAsync();
        var transport = new FlakyTransport(_store);
        var dispatcher = Dispatcher(transport);
        Assert.Equal(20, await dispatcher.DeliverDueAsync(Ct));
        Assert.Equal(5, await dispatcher.DeliverDueAsync(Ct));
        Assert.Equal(25, transport.Delivered.Distinct().Count());
    }

    [Fact]
    public async Task Cancellation_is_not_recorded_as_a_failed_attempt()
    {
        var message = await EnqueueAsync();
        var transport = new FlakyTransport(_store, failures: 1) { FailWith = new OperationCanceledException() };
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Dispatcher(transport).DeliverDueAsync(Ct));
        var stored = _store.Get(message.Id);
        Assert.Null(stored.SentAt);
        Assert.Equal(0, stored.Attempts);
        Assert.Empty(_store.FailedMarks);
    }
}
