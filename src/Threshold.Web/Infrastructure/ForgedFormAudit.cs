using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Threshold.Core.Errors;
using Threshold.Core.Support;
using Threshold.Core.Support.Actions;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// On every console page (/support): a POST whose antiforgery token failed never reaches its
/// handler, so this filter (which runs even then) writes the attempt to the agents' audit log as
/// ForgedForm. The answer stays a 400, and the error page shows this line's reference.
/// Only agents get this far: the console's policy turned everyone else away before antiforgery ran.
/// </summary>
public sealed class ForgedFormAudit(IAgentAuditLog audit, TimeProvider clock, ILogger<ForgedFormAudit> logger) : IAsyncAlwaysRunResultFilter
{
    public async Task OnResultExecutionAsync(ResultExecutingContext context, ResultExecutionDelegate next)
    {
        var http = context.HttpContext;
        if (context.Result is IAntiforgeryValidationFailedResult && http.CurrentSession() is { } session)
        {
            var reference = ReferenceCode.New();
            await audit.TryAppendAsync(new AgentAuditEntry
            {
                Id = Guid.NewGuid(),
                At = clock.GetUtcNow(),
                AgentId = session.AccountId,
                AgentName = http.User.Identity?.Name ?? "",
                Action = AgentAction.ForgedForm,
                Outcome = AgentActionOutcome.Refused,
                AccountId = Guid.TryParse(context.RouteData.Values["id"]?.ToString(), out var id) ? id : null,
                Detail = AgentRefusal.Antiforgery,
                IpAddress = http.Connection.RemoteIpAddress?.ToString(),
                ReferenceCode = reference,
            }, http.RequestAborted);
            logger.LogWarning("Console form without a valid antiforgery token on {Path} from agent {AgentId}, reference {Reference}",
                http.Request.Path, session.AccountId, reference);
            ErrorReference.Set(http, reference);
        }
        await next();
    }
}
