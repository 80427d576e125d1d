using Microsoft.EntityFrameworkCore;
using Threshold.Core.Errors;
using Threshold.Core.Support;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfAgentDirectory"/>'s enrolment links: list the
/// open ones, withdraw an address's links at once, and let a link make an agent only once.
/// </summary>
public abstract class AgentDirectoryStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Open_links_are_the_unused_unexpired_ones_soonest_first()
    {
        var used = Invitation("USED@EXAMPLE.COM", T0.AddHours(5));
        used.AcceptedAt = T0;
        await AddAsync(used);
        await AddAsync(Invitation("EXPIRED@EXAMPLE.COM", T0));
        var later = Invitation("LATER@EXAMPLE.COM", T0.AddHours(20));
        await AddAsync(later);
        var sooner = Invitation("SOONER@EXAMPLE.COM", T0.AddHours(2));
        await AddAsync(sooner);

        var open = await Directory(d => d.OpenInvitationsAsync(T0, Ct));
        Assert.Equal(new[] { sooner.Id, later.Id }, open.Select(i => i.Id));
    }

    [Fact]
    public async Task Withdrawing_ends_only_that_addresses_open_links()
    {
        var first = Invitation("PAT@EXAMPLE.COM", T0.AddHours(20));
        var second = Invitation("PAT@EXAMPLE.COM", T0.AddHours(22));
        var other = Invitation("SAM@EXAMPLE.COM", T0.AddHours(20));
        foreach (var invitation in new[] { first, second, other }) await AddAsync(invitation);

        Assert.Equal(2, await Directory(d => d.WithdrawInvitationsAsync("PAT@EXAMPLE.COM", T0, Ct)));
        Assert.Equal(0, await Directory(d => d.WithdrawInvitationsAsync("PAT@EXAMPLE.COM", T0, Ct)));
        var open = await Directory(d => d.OpenInvitationsAsync(T0, Ct));
        Assert.Equal(other.Id, Assert.Single(open).Id);
        AssertInstant(T0, (await Directory(d => d.FindInvitationAsync(first.TokenHash, Ct)))!.ExpiresAt);
    }

    [Fact]
    public async Task A_link_is_accepted_once_granting_the_role_with_its_audit_line()
    {
        var account = TestRows.Account("pat", T0.AddDays(-1));
        await AddAsync(account);
        var invitation = Invitation("PAT@EXAMPLE.COM", T0.AddHours(24));
        await AddAsync(invitation);

        Assert.True(await Directory(d => d.TryAcceptAsync(invitation.Id, account.Id, T0, Audit(account.Id), Ct)));
        Assert.False(await Directory(d => d.TryAcceptAsync(invitation.Id, account.Id, T0, Audit(account.Id), Ct)));

        Assert.True(await Directory(d => d.IsAgentAsync(account.Id, Ct)));
        Assert.Equal(1, await With(db => db.AgentAudit.CountAsync(Ct)));
        var stored = (await Directory(d => d.FindInvitationAsync(invitation.TokenHash, Ct)))!;
        Assert.Equal(account.Id, stored.AcceptedBy);
        Assert.Empty(await Directory(d => d.OpenInvitationsAsync(T0, Ct)));
    }

    private Task<T> Directory<T>(Func<EfAgentDirectory, Task<T>> action) => With(db => action(new EfAgentDirectory(db)));

    private static AgentInvitation Invitation(string normalizedEmail, DateTimeOffset expiresAt) => new()
    {
        Id = Guid.NewGuid(), NormalizedEmail = normalizedEmail, TokenHash = TestRows.Hash(), CreatedAt = T0.AddHours(-1), ExpiresAt = expiresAt,
    };

    private static AgentAuditEntry Audit(Guid accountId) => new()
    {
        Id = Guid.NewGuid(), At = T0, AgentId = accountId, AgentName = "pat", Action = AgentAction.AgentEnrolled, Outcome = AgentActionOutcome.Done,
        AccountId = accountId, ReferenceCode = ReferenceCode.New(),
    };
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteAgentDirectoryStoreSpecification() : AgentDirectoryStoreSpecification(new SqliteTestDatabase("agents"));
public sealed class PostgresAgentDirectoryStoreSpecification() : AgentDirectoryStoreSpecification(new PostgresTestDatabase("agents"));
