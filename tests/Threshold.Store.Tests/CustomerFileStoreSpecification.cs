using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Support;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfCustomerFileStore"/>: the customer's page
/// shows the two-step reset still waiting for exactly that account, and none once it ended.
/// </summary>
public abstract class CustomerFileStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan Delay = TimeSpan.FromHours(24);

    [Fact]
    public async Task The_waiting_reset_of_exactly_that_account_is_shown()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");
        var carol = await NewAccountAsync("carol");
        var waiting = await AddResetAsync(alice, T0);
        await AddResetAsync(bob, T0.AddHours(-1), cancelled: true);

        var shown = await PendingFor(alice);
        Assert.Equal(waiting.Id, shown?.Id);
        AssertInstant(waiting.DueAt, shown?.DueAt);
        Assert.Null(await PendingFor(bob));
        Assert.Null(await PendingFor(carol));
        Assert.Null(await FileStore(f => f.PendingFactorResetAsync(Guid.NewGuid(), Ct)));
    }

    [Fact]
    public async Task A_reset_that_was_cancelled_or_completed_is_no_longer_shown()
    {
        var alice = await NewAccountAsync("alice");
        await AddResetAsync(alice, T0, cancelled: true);
        await AddResetAsync(alice, T0.AddHours(1), completed: true);
        Assert.Null(await PendingFor(alice));

        var again = await AddResetAsync(alice, T0.AddHours(2));
        Assert.Equal(again.Id, (await PendingFor(alice))?.Id);
    }

    [Fact]
    public async Task Of_two_waiting_resets_the_one_due_first_is_shown()
    {
        // The action store allows one at a time; rows from before that rule, or written by hand, still read sensibly.
        var alice = await NewAccountAsync("alice");
        await AddResetAsync(alice, T0.AddHours(1));
        var first = await AddResetAsync(alice, T0);

        Assert.Equal(first.Id, (await PendingFor(alice))?.Id);
        Assert.Equal(2, await With(db => db.FactorResets.CountAsync(Ct)));
    }

    // ------------------------------------------------------------------ helpers

    private Task<T> FileStore<T>(Func<EfCustomerFileStore, Task<T>> action) => With(db => action(new EfCustomerFileStore(db)));

    private Task<FactorReset?> PendingFor(Account account) => FileStore(f => f.PendingFactorResetAsync(account.Id, Ct));

    private async Task<Account> NewAccountAsync(string username)
    {
        var account = TestRows.Account(username, T0.AddDays(-100));
        await AddAsync(account);
        return account;
    }

    private async Task<FactorReset> AddResetAsync(Account account, DateTimeOffset requestedAt, bool cancelled = false, bool completed = false)
    {
        var reset = TestRows.FactorReset(account.Id, requestedAt, Delay);
        if (cancelled) reset.CancelledAt = requestedAt.AddHours(1);
        if (completed) reset.CompletedAt = reset.DueAt;
        await AddAsync(reset);
        return reset;
    }
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteCustomerFileStoreSpecification() : CustomerFileStoreSpecification(new SqliteTestDatabase("customer-file"));
public sealed class PostgresCustomerFileStoreSpecification() : CustomerFileStoreSpecification(new PostgresTestDatabase("customer_file"));
