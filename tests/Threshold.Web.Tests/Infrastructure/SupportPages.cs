using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Support;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>Agents and the console (/support), as the tests of issue 8 use them.</summary>
public static partial class SupportPages
{
    public const string ConsolePath = "/support";

    /// <summary>
    /// An account with an authenticator app that holds the agent role, signed in with both steps in
    /// the returned browser (as after <c>agents add</c> and accepting the enrolment link).
    /// </summary>
    public static async Task<(Browser Browser, TestUser User, TotpEnrolment Totp)> AgentAsync(this ThresholdFactory app, FakeTimeProvider clock)
    {
        var (browser, user, totp) = await app.UserWithTotpAsync(clock);
        await app.MakeAgentAsync(user.Email);
        await browser.SignOutAsync();
        await browser.SignInWithTotpAsync(user, clock.NextCode(totp.Key));
        return (browser, user, totp);
    }

    /// <summary>Grants the agent role directly, as accepting an enrolment link does.</summary>
    public static async Task<Guid> MakeAgentAsync(this ThresholdFactory app, string email)
    {
        var account = await app.AccountAsync(email) ?? throw new InvalidOperationException("no account " + email);
        await using var scope = app.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<IAgentDirectory>().GrantAsync(account.Id);
        return account.Id;
    }

    public static Task<Page> ConsoleAsync(this Browser browser, string path = "") => browser.GetAsync(ConsolePath + path);

    /// <summary>The agents' audit log, newest first, straight from the database.</summary>
    public static Task<List<AgentAuditEntry>> AuditAsync(this ThresholdFactory app, Guid? accountId = null) =>
        app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.AgentAudit.Where(a => accountId == null || a.AccountId == accountId).OrderByDescending(a => a.At)));
}
