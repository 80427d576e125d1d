using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Secrets;
using Threshold.Core.Sessions;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

public class SessionManagerTests
{
    private static readonly DateTimeOffset Start = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private static readonly ClientInfo Client = new("203.0.113.7", "Mozilla/5.0 (test)");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemorySessionStore _store = new();
    private readonly SessionManager _sessions;
    private readonly Guid _account = Guid.NewGuid();

    public SessionManagerTests() => _sessions = new SessionManager(_store, Options.Create(new SessionOptions()), _clock);

    [Fact]
    public void Default_options_are_1h_idle_24h_absolute_30d_persistent()
    {
        var options = new SessionOptions();
        Assert.Equal(TimeSpan.FromHours(1), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromHours(24), options.AbsoluteLifetime);
        Assert.Equal(TimeSpan.FromDays(30), options.PersistentLifetime);
        Assert.Equal(TimeSpan.FromMinutes(1), options.TouchInterval);
    }

    [Fact]
    public async Task Start_stores_a_session_with_only_the_token_hash()
    {
        var (session, token) = await _sessions.StartAsync(_account, persistent: false, Client, Ct);

        var stored = Assert.Single(_store.All);
        Assert.Equal(session.Id, stored.Id);
        Assert.Equal(_account, stored.AccountId);
        Assert.Equal(SecretToken.Hash(token), stored.TokenHash);
        Assert.NotEqual(token, stored.TokenHash);
        Assert.Equal(Start, stored.CreatedAt);
        Assert.Equal(Start, stored.LastSeenAt);
        Assert.Equal(Start.AddHours(24), stored.ExpiresAt);
        Assert.False(stored.Persistent);
        Assert.Equal("203.0.113.7", stored.IpAddress);
        Assert.Equal("Mozilla/5.0 (test)", stored.UserAgent);
        Assert.NotNull(SecretToken.Parse(token));
    }

    [Fact]
    public async Task Start_truncates_a_long_user_agent()
    {
        var (session, _) = await _sessions.StartAsync(_account, false, new ClientInfo(null, new string('x', 5000)), Ct);
        Assert.Equal(SecurityEvent.MaxTextLength, _store.Get(session.Id)!.UserAgent!.Length);
    }

    [Fact]
    public async Task Every_start_gives_a_new_token_and_session()
    {
        var (first, firstToken) = await _sessions.StartAsync(_account, false, Client, Ct);
        var (second, secondToken) = await _sessions.StartAsync(_account, false, Client, Ct);

        Assert.NotEqual(firstToken, secondToken);
        Assert.NotEqual(first.Id, second.Id);
        Assert.NotEqual(first.TokenHash, second.TokenHash);
        Assert.Equal(2, _store.All.Count);
        Assert.Equal(first.Id, (await _sessions.ValidateAsync(firstToken, Ct))?.Id);
        Assert.Equal(second.Id, (await _sessions.ValidateAsync(secondToken, Ct))?.Id);
    }

    [Fact]
    public async Task Validate_right_after_start_returns_the_session()
    {
        var (session, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        var found = await _sessions.ValidateAsync(token, Ct);
        Assert.NotNull(found);
        Assert.Equal(session.Id, found.Id);
        Assert.Equal(_account, found.AccountId);
    }

    [Fact]
    public async Task Validate_accepts_token_with_surrounding_whitespace()
    {
        var (session, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        Assert.Equal(session.Id, (await _sessions.ValidateAsync(" " + token + " ", Ct))?.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("not a token at all, but it is rather long, isn't it")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    public async Task Garbage_tokens_are_not_sessions(string? token)
    {
        await _sessions.StartAsync(_account, false, Client, Ct);
        Assert.Null(await _sessions.ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task Well_formed_but_unknown_token_is_not_a_session()
    {
        await _sessions.StartAsync(_account, false, Client, Ct);
        Assert.Null(await _sessions.ValidateAsync(SecretToken.New(), Ct));
    }

    [Fact]
    public async Task The_token_hash_is_not_a_token()
    {
        var (session, _) = await _sessions.StartAsync(_account, false, Client, Ct);
        Assert.Null(await _sessions.ValidateAsync(session.TokenHash, Ct));
    }

    [Fact]
    public async Task Idle_session_is_valid_at_59_minutes()
    {
        var (_, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task Idle_session_is_gone_at_60_minutes()
    {
        var (session, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        _clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Null(await _sessions.ValidateAsync(token, Ct));
        Assert.Null(_store.Get(session.Id)); // deleted, not just refused
        Assert.Equal([session.Id], _store.Deletes);
    }

    [Fact]
    public async Task Idle_timeout_counts_from_the_last_activity()
    {
        var (_, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        _clock.Advance(TimeSpan.FromMinutes(50));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        _clock.Advance(TimeSpan.FromMinutes(59));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct)); // 109 min after start, 59 idle
        _clock.Advance(TimeSpan.FromMinutes(60));
        Assert.Null(await _sessions.ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task Absolute_lifetime_ends_a_busy_session_at_24_hours()
    {
        var (session, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        for (var elapsed = TimeSpan.FromMinutes(30); elapsed < TimeSpan.FromHours(24); elapsed += TimeSpan.FromMinutes(30))
        {
            _clock.SetUtcNow(Start + elapsed);
            Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        }
        _clock.SetUtcNow(Start.AddHours(24));
        Assert.Null(await _sessions.ValidateAsync(token, Ct));
        Assert.Null(_store.Get(session.Id));
    }

    [Fact]
    public async Task Absolute_lifetime_one_tick_before_the_end_is_still_valid()
    {
        var (_, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        for (var m = 30; m < 24 * 60; m += 30)
        {
            _clock.SetUtcNow(Start.AddMinutes(m));
            Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        }
        _clock.SetUtcNow(Start.AddHours(24).AddTicks(-1));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task Persistent_session_has_no_idle_timeout()
    {
        var (session, token) = await _sessions.StartAsync(_account, persistent: true, Client, Ct);
        Assert.True(session.Persistent);
        _clock.Advance(TimeSpan.FromDays(10));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        _clock.Advance(TimeSpan.FromDays(19));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task Persistent_session_ends_at_30_days()
    {
        var (session, token) = await _sessions.StartAsync(_account, persistent: true, Client, Ct);
        Assert.Equal(Start.AddDays(30), session.ExpiresAt);
        _clock.SetUtcNow(Start.AddDays(30).AddMinutes(-1));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        _clock.SetUtcNow(Start.AddDays(30));
        Assert.Null(await _sessions.ValidateAsync(token, Ct));
        Assert.Null(_store.Get(session.Id));
    }

    [Fact]
    public async Task Persistent_session_ends_at_30_days_even_with_activity()
    {
        var (_, token) = await _sessions.StartAsync(_account, persistent: true, Client, Ct);
        for (var day = 1; day < 30; day++)
        {
            _clock.SetUtcNow(Start.AddDays(day));
            Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        }
        _clock.SetUtcNow(Start.AddDays(30).AddSeconds(1));
        Assert.Null(await _sessions.ValidateAsync(token, Ct));
    }

    [Fact]
    public async Task End_makes_the_token_invalid()
    {
        var (session, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        await _sessions.EndAsync(token, Ct);
        Assert.Null(await _sessions.ValidateAsync(token, Ct));
        Assert.Null(_store.Get(session.Id));
    }

    [Fact]
    public async Task End_leaves_other_sessions_alone()
    {
        var (_, first) = await _sessions.StartAsync(_account, false, Client, Ct);
        var (second, secondToken) = await _sessions.StartAsync(_account, false, Client, Ct);
        await _sessions.EndAsync(first, Ct);
        Assert.Null(await _sessions.ValidateAsync(first, Ct));
        Assert.Equal(second.Id, (await _sessions.ValidateAsync(secondToken, Ct))?.Id);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("garbage")]
    public async Task End_with_garbage_does_nothing(string? token)
    {
        var (_, real) = await _sessions.StartAsync(_account, false, Client, Ct);
        await _sessions.EndAsync(token, Ct);
        await _sessions.EndAsync(SecretToken.New(), Ct);
        Assert.Empty(_store.Deletes);
        Assert.NotNull(await _sessions.ValidateAsync(real, Ct));
    }

    [Fact]
    public async Task LastSeenAt_is_not_written_within_the_touch_interval()
    {
        var (session, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        _clock.Advance(TimeSpan.FromSeconds(30));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        Assert.Empty(_store.Touches);
        Assert.Equal(Start, _store.Get(session.Id)!.LastSeenAt);
    }

    [Fact]
    public async Task LastSeenAt_is_written_once_older_than_the_touch_interval()
    {
        var (session, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        _clock.Advance(TimeSpan.FromSeconds(61));
        var found = await _sessions.ValidateAsync(token, Ct);
        var touch = Assert.Single(_store.Touches);
        Assert.Equal(session.Id, touch.SessionId);
        Assert.Equal(Start.AddSeconds(61), touch.At);
        Assert.Equal(Start.AddSeconds(61), found!.LastSeenAt);
        Assert.Equal(Start.AddSeconds(61), _store.Get(session.Id)!.LastSeenAt);

        // Immediately again: no second write.
        _clock.Advance(TimeSpan.FromSeconds(10));
        Assert.NotNull(await _sessions.ValidateAsync(token, Ct));
        Assert.Single(_store.Touches);
    }

    [Fact]
    public async Task Touch_interval_comes_from_options()
    {
        var sessions = new SessionManager(_store, Options.Create(new SessionOptions { TouchInterval = TimeSpan.FromMinutes(5) }), _clock);
        var (_, token) = await sessions.StartAsync(_account, false, Client, Ct);
        _clock.Advance(TimeSpan.FromMinutes(4));
        await sessions.ValidateAsync(token, Ct);
        Assert.Empty(_store.Touches);
        _clock.Advance(TimeSpan.FromMinutes(2));
        await sessions.ValidateAsync(token, Ct);
        Assert.Single(_store.Touches);
    }

    [Fact]
    public async Task Expired_session_is_not_touched()
    {
        var (_, token) = await _sessions.StartAsync(_account, false, Client, Ct);
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Null(await _sessions.ValidateAsync(token, Ct));
        Assert.Empty(_store.Touches);
    }

    [Fact]
    public async Task Custom_lifetimes_are_honoured()
    {
        var options = new SessionOptions { IdleTimeout = TimeSpan.FromMinutes(15), AbsoluteLifetime = TimeSpan.FromHours(2) };
        var sessions = new SessionManager(_store, Options.Create(options), _clock);
        var (_, token) = await sessions.StartAsync(_account, false, Client, Ct);
        _clock.Advance(TimeSpan.FromMinutes(14));
        Assert.NotNull(await sessions.ValidateAsync(token, Ct));
        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Null(await sessions.ValidateAsync(token, Ct));
    }
}
