using Xunit;

namespace Threshold.Store.Tests;

/// <summary>Ending sessions from the sessions page: only through the account they belong to.</summary>
public abstract partial class StoreSpecification
{
    [Fact]
    public async Task DeleteForAccount_ends_a_session_only_through_its_own_account()
    {
        var alice = NewRegistration("alice", "alice@example.com", T0);
        var bob = NewRegistration("bob", "bob@example.com", T0);
        await Create(alice);
        await Create(bob);
        var aliceSession = NewSession(alice.Account.Id, T0);
        var bobSession = NewSession(bob.Account.Id, T0);
        await Sessions(s => s.CreateAsync(aliceSession, Ct));
        await Sessions(s => s.CreateAsync(bobSession, Ct));

        Assert.False(await Sessions(s => s.DeleteForAccountAsync(alice.Account.Id, bobSession.Id, Ct)));
        Assert.False(await Sessions(s => s.DeleteForAccountAsync(alice.Account.Id, Guid.NewGuid(), Ct)));
        Assert.NotNull(await Sessions(s => s.FindByTokenHashAsync(bobSession.TokenHash, Ct)));
        Assert.NotNull(await Sessions(s => s.FindByTokenHashAsync(aliceSession.TokenHash, Ct)));

        Assert.True(await Sessions(s => s.DeleteForAccountAsync(alice.Account.Id, aliceSession.Id, Ct)));
        Assert.Null(await Sessions(s => s.FindByTokenHashAsync(aliceSession.TokenHash, Ct)));
        Assert.False(await Sessions(s => s.DeleteForAccountAsync(alice.Account.Id, aliceSession.Id, Ct)));
        Assert.NotNull(await Sessions(s => s.FindByTokenHashAsync(bobSession.TokenHash, Ct)));
    }

    [Fact]
    public async Task DeleteAllBut_ends_the_accounts_other_sessions_and_no_one_elses()
    {
        var alice = NewRegistration("alice", "alice@example.com", T0);
        var bob = NewRegistration("bob", "bob@example.com", T0);
        await Create(alice);
        await Create(bob);
        var kept = NewSession(alice.Account.Id, T0);
        var others = new[] { NewSession(alice.Account.Id, T0.AddMinutes(1)), NewSession(alice.Account.Id, T0.AddMinutes(2)) };
        var bobSession = NewSession(bob.Account.Id, T0);
        foreach (var session in others.Append(kept).Append(bobSession))
            await Sessions(s => s.CreateAsync(session, Ct));

        Assert.Equal(2, await Sessions(s => s.DeleteAllButAsync(alice.Account.Id, kept.Id, Ct)));

        Assert.Equal([kept.Id], (await Sessions(s => s.ForAccountAsync(alice.Account.Id, Ct))).Select(s => s.Id));
        Assert.NotNull(await Sessions(s => s.FindByTokenHashAsync(bobSession.TokenHash, Ct)));
        Assert.Equal(0, await Sessions(s => s.DeleteAllButAsync(alice.Account.Id, kept.Id, Ct)));
    }
}
