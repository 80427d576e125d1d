using Threshold.Core.Accounts;
using Threshold.Core.Support.Search;
using Xunit;

namespace Threshold.Store.Tests;

/// <summary>
/// What every database provider must do for <see cref="EfCustomerSearchStore"/>: the console's
/// lookups are exact. No character is a wildcard or escape ('%', '_', '*', '\', quotes), an address
/// or number that does not count (an unverified recovery email, an unconfirmed phone) finds nobody,
/// and a list never holds more than asked for.
/// </summary>
public abstract class CustomerSearchStoreSpecification(TestDatabase database) : DatabaseSpecification(database)
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_username_is_found_only_by_itself_never_as_a_pattern()
    {
        // Each of these would be matched by some of the searches below if they were LIKE patterns.
        var underscore = await NewAccountAsync("a_b");
        var plain = await NewAccountAsync("axb");
        var backslash = await NewAccountAsync(@"a\b");
        var star = await NewAccountAsync("a*b");
        var quote = await NewAccountAsync("o'brien");

        Assert.Equal(underscore.Id, (await ByUsername("a_b"))?.Id);
        Assert.Equal(underscore.Id, (await ByUsername("A_B"))?.Id); // the same normalisation as sign-in
        Assert.Equal(plain.Id, (await ByUsername("axb"))?.Id);
        Assert.Equal(backslash.Id, (await ByUsername(@"a\b"))?.Id);
        Assert.Equal(star.Id, (await ByUsername("a*b"))?.Id);
        Assert.Equal(quote.Id, (await ByUsername("o'brien"))?.Id);

        string[] nothing = ["a%b", "a_c", "a_", "a%", "%", "_", "*", "a*", "a?b", "a.b", @"a\_b", @"a\\b", @"a\%b", "o''brien", "' OR '1'='1", "a_bc"];
        foreach (var typed in nothing)
            Assert.True(await ByUsername(typed) is null, $"'{typed}' found an account");
    }

    [Fact]
    public async Task An_address_is_found_only_by_itself_never_as_a_pattern()
    {
        var underscore = await NewAccountAsync("one", "a_b@example.com");
        var plain = await NewAccountAsync("two", "axb@example.com");
        var percent = await NewAccountAsync("three", "a%b@example.com");
        var quote = await NewAccountAsync("four", "o'brien@example.com");
        var backslash = await NewAccountAsync("five", @"a\b@example.com");

        Assert.Equal([underscore.Id], await ByEmail("a_b@example.com"));
        Assert.Equal([plain.Id], await ByEmail("AXB@example.com"));
        Assert.Equal([percent.Id], await ByEmail("a%b@example.com"));
        Assert.Equal([quote.Id], await ByEmail("o'brien@example.com"));
        Assert.Equal([backslash.Id], await ByEmail(@"a\b@example.com"));

        string[] nothing = ["a_c@example.com", "%@example.com", "_@example.com", "___@example.com", "a%@example.com", "*@example.com",
            "a_b@%", "a_b@example.co_", @"a\_b@example.com", "o''brien@example.com", "' OR ''='@example.com", "example.com"];
        foreach (var typed in nothing)
            Assert.True((await ByEmail(typed)).Length == 0, $"'{typed}' found an account");
    }

    [Fact]
    public async Task A_recovery_address_finds_its_account_only_once_verified()
    {
        var owner = await NewAccountAsync("owner", "family@example.com");
        var verified = await NewAccountAsync("verified", recoveryEmail: "family@example.com", recoveryVerified: true);
        await NewAccountAsync("unverified", recoveryEmail: "family@example.com", recoveryVerified: false);
        var other = await NewAccountAsync("other", recoveryEmail: "other.family@example.com", recoveryVerified: true);

        Assert.Equal([owner.Id, verified.Id], await ByEmail("Family@Example.com"));
        Assert.Equal([other.Id], await ByEmail("other.family@example.com"));
        Assert.Empty(await ByEmail("%family@example.com"));
    }

    [Fact]
    public async Task Only_confirmed_phones_are_found_and_only_whole_numbers()
    {
        var confirmed = await NewAccountAsync("confirmed", phone: "+447700900123", phoneConfirmed: true);
        await NewAccountAsync("unconfirmed", phone: "+447700900123", phoneConfirmed: false);
        var neighbour = await NewAccountAsync("neighbour", phone: "+447700900124", phoneConfirmed: true);
        await NewAccountAsync("unconfirmedonly", phone: "+447700900125", phoneConfirmed: false);

        Assert.Equal([confirmed.Id], await ByPhone("+447700900123"));
        Assert.Equal([confirmed.Id, neighbour.Id], await ByPhone("+447700900123", "+447700900124", "+15550100"));
        Assert.Empty(await ByPhone("+447700900125"));

        string[] nothing = ["+44770090012%", "+44770090012_", "+4477009001*", "+447700900", "447700900123", "+447700900123 ", "%", "_"];
        foreach (var typed in nothing)
            Assert.True((await ByPhone(typed)).Length == 0, $"'{typed}' found an account");
    }

    [Fact]
    public async Task Lists_hold_at_most_take_in_username_order()
    {
        foreach (var name in new[] { "eve", "bob", "dan", "amy", "cat" })
            await NewAccountAsync(name, recoveryEmail: "shared@example.com", recoveryVerified: true, phone: "+447700900123", phoneConfirmed: true);

        Assert.Equal(["amy", "bob", "cat"], (await Search(s => s.ByEmailAsync(Identifiers.Normalize("shared@example.com"), 3, Ct))).Select(c => c.UserName));
        Assert.Equal(["amy", "bob"], (await Search(s => s.ByConfirmedPhoneAsync(["+447700900123"], 2, Ct))).Select(c => c.UserName));
        Assert.Equal(5, (await Search(s => s.ByEmailAsync(Identifiers.Normalize("shared@example.com"), 50, Ct))).Count);
    }

    [Fact]
    public async Task Summaries_name_the_accounts_that_still_exist_with_nothing_secret()
    {
        var alice = await NewAccountAsync("alice");
        var bob = await NewAccountAsync("bob");

        var summaries = await Search(s => s.SummariesAsync([alice.Id, bob.Id, Guid.NewGuid()], Ct));

        Assert.Equal(2, summaries.Count);
        Assert.Equal(new CustomerSummary(alice.Id, "alice", "alice@example.com"), summaries[alice.Id]);
        Assert.Equal(new CustomerSummary(bob.Id, "bob", "bob@example.com"), summaries[bob.Id]);
        Assert.Empty(await Search(s => s.SummariesAsync([], Ct)));
    }

    // ------------------------------------------------------------------ helpers

    private Task<T> Search<T>(Func<EfCustomerSearchStore, Task<T>> action) => With(db => action(new EfCustomerSearchStore(db)));

    /// <summary>The value as the console hands it to the store: normalised as sign-in normalises it.</summary>
    private Task<CustomerSummary?> ByUsername(string typed) => Search(s => s.ByUsernameAsync(Identifiers.Normalize(typed), Ct));

    private async Task<Guid[]> ByEmail(string typed) =>
        (await Search(s => s.ByEmailAsync(Identifiers.Normalize(typed), 50, Ct))).Select(c => c.Id).ToArray();

    private async Task<Guid[]> ByPhone(params string[] numbers) =>
        (await Search(s => s.ByConfirmedPhoneAsync(numbers, 50, Ct))).Select(c => c.Id).ToArray();

    /// <summary>An account; its username orders the lists, so tests name them in the order they expect.</summary>
    private async Task<Account> NewAccountAsync(string username, string? email = null, string? recoveryEmail = null, bool recoveryVerified = false,
        string? phone = null, bool phoneConfirmed = false)
    {
        var account = TestRows.Account(username, T0.AddDays(-100), email);
        account.RecoveryEmail = recoveryEmail;
        account.NormalizedRecoveryEmail = recoveryEmail is null ? null : Identifiers.Normalize(recoveryEmail);
        account.RecoveryEmailVerifiedAt = recoveryVerified ? T0.AddDays(-10) : null;
        account.PhoneNumber = phone;
        account.PhoneNumberConfirmed = phoneConfirmed;
        await AddAsync(account);
        return account;
    }
}

// The specification on each provider: a temp SQLite file, or a new database on THRESHOLD_TEST_POSTGRES.
public sealed class SqliteCustomerSearchStoreSpecification() : CustomerSearchStoreSpecification(new SqliteTestDatabase("customer-search"));
public sealed class PostgresCustomerSearchStoreSpecification() : CustomerSearchStoreSpecification(new PostgresTestDatabase("customer_search"));
