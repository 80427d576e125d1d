using System.Globalization;
using Threshold.Core.Support.Agents;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// The operator's command line: <c>dotnet run --project src/Threshold.Web -- agents add EMAIL</c>
/// prints a one-time enrolment link instead of starting the server; <c>agents list</c> and
/// <c>agents remove EMAIL</c> show and take away the role. The rules are in <see cref="AgentRoster"/>;
/// this class only reads the words and writes the answer. The link goes to the output only, never
/// to a log. Operator text is English and not localised: it is a server console, not a customer page.
/// </summary>
public static class AgentCommands
{
    public const int Ok = 0;
    /// <summary>The command was understood but found nothing to do (<c>remove</c> of someone who is not an agent).</summary>
    public const int NothingDone = 1;
    public const int BadArguments = 2;

    public const string Usage = """
        Usage:
          agents add EMAIL      print a one-time link that makes the account with this email an agent
          agents list           list the agents, and the enrolment links not used yet
          agents remove EMAIL   take the agent role away (and withdraw that address's open links)
        Settings may follow the words, e.g. agents add pat@example.com --Threshold:PublicOrigin=https://id.example.com
        """;

    public static bool Handles(string[] args) => args is ["agents", ..];

    /// <returns>The process exit code.</returns>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output)
    {
        // Configuration switches (--Key=value) may follow; only the words before them are the command.
        var words = args.TakeWhile(a => !a.StartsWith('-')).ToArray();
        await using var scope = services.CreateAsyncScope();
        var roster = scope.ServiceProvider.GetRequiredService<AgentRoster>();
        var ct = CancellationToken.None;
        return words switch
        {
            ["agents", "add", var email] => await AddAsync(roster, email, output, ct),
            ["agents", "list"] => await ListAsync(roster, output, ct),
            ["agents", "remove", var email] => await RemoveAsync(roster, email, output, ct),
            _ => BadUsage(output, words.Length > 1 ? $"agents: \"{string.Join(' ', words.Skip(1))}\" is not a command I know." : "agents: which command?"),
        };
    }

    private static async Task<int> AddAsync(AgentRoster roster, string email, TextWriter output, CancellationToken ct)
    {
        var result = await roster.InviteAsync(email, ct);
        switch (result.Outcome)
        {
            case InviteOutcome.Invalid:
                return BadUsage(output, $"agents: \"{result.Email}\" is not an email address.");
            case InviteOutcome.AlreadyAgent:
                output.WriteLine($"{result.Email} is already an agent (username {result.Account!.UserName}). No link was made.");
                return Ok;
        }
        output.WriteLine($"Enrolment link for {result.Email}. It works once, for {Duration(result.Lifetime!.Value)} (until {Utc(result.ExpiresAt!.Value)}):");
        output.WriteLine();
        output.WriteLine("  " + result.Link);
        output.WriteLine();
        output.WriteLine("Send it to that person only. They open it signed in to the account whose verified email is this address,");
        output.WriteLine("with two-step sign-in, and press Accept.");
        if (result.Account is null)
            output.WriteLine("No account uses this address yet: they register with it and confirm it first.");
        else if (!result.Account.EmailConfirmed)
            output.WriteLine($"The account {result.Account.UserName} has not confirmed this address yet: it must before accepting.");
        return Ok;
    }

    private static async Task<int> ListAsync(AgentRoster roster, TextWriter output, CancellationToken ct)
    {
        var list = await roster.ListAsync(ct);
        output.WriteLine(list.Agents.Count == 0 ? "Agents: none" : $"Agents ({list.Agents.Count}):");
        foreach (var agent in list.Agents)
            output.WriteLine($"  {agent.Email ?? "(account deleted)"}  {agent.UserName}  {agent.AccountId}");
        output.WriteLine(list.OpenInvitations.Count == 0 ? "Open enrolment links: none" : $"Open enrolment links ({list.OpenInvitations.Count}):");
        foreach (var invitation in list.OpenInvitations)
            output.WriteLine($"  {invitation.NormalizedEmail.ToLowerInvariant()}  until {Utc(invitation.ExpiresAt)}");
        return Ok;
    }

    private static async Task<int> RemoveAsync(AgentRoster roster, string email, TextWriter output, CancellationToken ct)
    {
        var result = await roster.RemoveAsync(email, ct);
        var withdrawn = result.LinksWithdrawn == 1 ? "1 open enrolment link was withdrawn." : $"{result.LinksWithdrawn} open enrolment links were withdrawn.";
        switch (result.Outcome)
        {
            case RemoveOutcome.Invalid:
                return BadUsage(output, $"agents: \"{result.Email}\" is not an email address.");
            case RemoveOutcome.Removed:
                output.WriteLine($"{result.Email} (username {result.Account!.UserName}) is no longer an agent. Audit reference {result.ReferenceCode}.");
                if (result.LinksWithdrawn > 0) output.WriteLine(withdrawn);
                return Ok;
            case RemoveOutcome.LinksWithdrawn:
                output.WriteLine($"{result.Email} is not an agent; {withdrawn}");
                return Ok;
            default:
                output.WriteLine($"{result.Email} is not an agent and has no open enrolment link. Nothing was changed.");
                return NothingDone;
        }
    }

    private static int BadUsage(TextWriter output, string problem)
    {
        output.WriteLine(problem);
        output.WriteLine(Usage);
        return BadArguments;
    }

    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    /// <summary>"24 hours", "90 minutes", "2 days".</summary>
    private static string Duration(TimeSpan span) => span switch
    {
        { TotalDays: >= 2 } when span.TotalDays % 1 == 0 => $"{span.TotalDays:0} days",
        { TotalHours: >= 1 } when span.TotalHours % 1 == 0 => span.TotalHours == 1 ? "1 hour" : $"{span.TotalHours:0} hours",
        _ => $"{Math.Ceiling(span.TotalMinutes):0} minutes",
    };
}
