using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Store;
using Threshold.Web.Infrastructure;

namespace Threshold.Browser.Tests.Infrastructure;

public partial class ThresholdServer
{
    /// <summary>What an operator's <c>agents add EMAIL</c> prints: the one-time enrolment link.</summary>
    public async Task<string> InviteAgentAsync(string email)
    {
        using var output = new StringWriter();
        var exit = await AgentCommands.RunAsync(Services, ["agents", "add", email], output);
        var link = EnrolmentLink().Match(output.ToString());
        if (exit != 0 || !link.Success)
            throw new InvalidOperationException($"agents add {email} exited {exit} without a link:\n{output}");
        return link.Value;
    }

    /// <summary>The text of the newest <paramref name="template"/> message to <paramref name="to"/>, read from the outbox.</summary>
    public async Task<string> NewestMessageAsync(string to, string template)
    {
        await using var scope = Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ThresholdDbContext>();
        return await db.OutboxMessages.Where(m => m.To == to && m.Template == template).OrderByDescending(m => m.CreatedAt)
            .Select(m => m.TextBody).FirstOrDefaultAsync()
            ?? throw new InvalidOperationException($"No \"{template}\" message to {to} in the outbox.");
    }

    [GeneratedRegex(@"https?://\S+/account/agent-enrolment\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex EnrolmentLink();
}
