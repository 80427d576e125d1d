using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Sessions;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>The sessions page's rules: which sessions are listed, and that only the account's own can be ended.</summary>
public class ActiveSessionsTests
{
    private static readonly DateTimeOffset Start = new(2026, 5, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly ClientInfo Client = new("10.0.0.9", "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0");
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly FakeTimeProvider _clock = new(Start);
    private readonly InMemorySessionStore _store = new();
    private readonly RecordingEventLog _events = new();
    private readonly ListLogger<ActiveSessions> _log = new();
    private readonly ActiveSessions _sessions;
    private readonly SessionManager _manager;
    private readonly Account _account = new() { Id = Guid.NewGuid(), UserName = "alice" };

    public ActiveSessionsTests()
    {
        var options = Options.Create(new SessionOptions());
        _manager = new SessionManager(_store, options, _clock);
        _sessions = new ActiveSessions(_store, new FixedLocator(), _events, options, _clock, _log);
    }

    private async Task<Session> StartAsync(Guid accountId, bool persistent = false, string? userAgent = null) =>
        (await _manager.StartAsync(accountId, persistent, Client with { UserAgent = userAgent ?? Client.UserAgent }, Ct)).Session;

    [Fact]
    public async Task Lists_live_sessions_this_one_first_then_by_last_activity_and_hides_ended_ones()
    {
        var idle = await StartAsync(_account.Id);
        var kept = await StartAsync(_account.Id, persistent: true, userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) Version/18.1 Safari/604.1");
        _clock.Advance(TimeSpan.FromMinutes(50));
        var current = await StartAsync(_account.Id);
        var recent = await StartAsync(_account.Id);
        await StartAsync(Guid.NewGuid());
        _clock.Advance(TimeSpan.FromMinutes(20));   // idle is now 70 minutes without activity

        var listed = await _sessions.ListAsync(_account.Id, current.Id, Ct);

        Assert.Equal([current.Id, recent.Id, kept.Id], listed.Select(s => s.Id));
        Assert.DoesNotContain(listed, s => s.Id == idle.Id);
        Assert.True(listed[0].IsCurrent);
        Assert.False(listed[1].IsCurrent);
        Assert.Equal(new DeviceName("Firefox", "Linux"), listed[0].Device);
        Assert.Equal(new DeviceName("Safari", "iPhone"), listed[2].Device);
        Assert.Equal(GeoPlace.LocalNetwork, listed[0].Place);
        Assert.Equal(Start.AddMinutes(50), listed[0].StartedAt);

        _clock.Advance(TimeSpan.FromDays(31));   // past even the persistent session's end
        Assert.Equal([current.Id], (await _sessions.ListAsync(_account.Id, current.Id, Ct)).Select(s => s.Id));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-guid")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    public async Task What_is_not_a_session_id_of_the_account_ends_nothing(string? sent)
    {
        await StartAsync(_account.Id);
        var result = await _sessions.EndAsync(_account, sent, null, Client, Ct);
        Assert.Equal(EndSessionOutcome.NotFound, result.Outcome);
        Assert.Single(_store.All);
        Assert.Empty(_events.Events);
        Assert.Contains(_log.Entries, e => e.Message.Contains(result.ReferenceCode));
    }

    [Fact]
    public async Task Another_accounts_session_is_refused_and_lives_on()
    {
        var theirs = await StartAsync(Guid.NewGuid());
        var result = await _sessions.EndAsync(_account, theirs.Id.ToString(), null, Client, Ct);
        Assert.Equal(EndSessionOutcome.NotFound, result.Outcome);
        Assert.NotNull(_store.Get(theirs.Id));
        Assert.Empty(_store.Deletes);
    }

    [Fact]
    public async Task Ending_a_session_records_whether_it_was_this_one()
    {
        var current = await StartAsync(_account.Id);
        var other = await StartAsync(_account.Id);

        var ended = await _sessions.EndAsync(_account, other.Id.ToString().ToUpperInvariant(), current.Id, Client, Ct);
        Assert.Equal(EndSessionOutcome.Ended, ended.Outcome);
        Assert.Null(_store.Get(other.Id));
        var recorded = Assert.Single(_events.Events);
        Assert.Equal((SecurityEventKind.SessionEnded, "other", ended.ReferenceCode), (recorded.Kind, recorded.Reason, recorded.ReferenceCode));

        var self = await _sessions.EndAsync(_account, current.Id.ToString(), current.Id, Client, Ct);
        Assert.Equal(EndSessionOutcome.EndedCurrent, self.Outcome);
        Assert.Equal("current", _events.Events[^1].Reason);
        Assert.Empty(_store.All);
    }

    [Fact]
    public async Task Ending_the_others_keeps_this_session_and_every_other_accounts()
    {
        var current = await StartAsync(_account.Id);
        await StartAsync(_account.Id);
        await StartAsync(_account.Id);
        var theirs = await StartAsync(Guid.NewGuid());

        Assert.Equal(2, await _sessions.EndOthersAsync(_account, current.Id, Client, Ct));

        Assert.Equal(new[] { current.Id, theirs.Id }.Order(), _store.All.Select(s => s.Id).Order());
        Assert.Equal(SecurityEventKind.OtherSessionsEnded, Assert.Single(_events.Events).Kind);
    }

    private sealed class FixedLocator : IGeoLocator
    {
        public GeoPlace? Locate(string? ipAddress) => ipAddress?.StartsWith("10.", StringComparison.Ordinal) == true ? GeoPlace.LocalNetwork : null;
    }
}
