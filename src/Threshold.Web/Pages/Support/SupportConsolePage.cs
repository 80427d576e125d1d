using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.Localization;
using Threshold.Core.Accounts;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Support;

/// <summary>
/// A console page: the folder's policy has let only an agent with a second step in; this knows
/// which agent, and reads page numbers the way every console list does.
/// </summary>
public abstract class SupportConsolePage(IStringLocalizer<SharedResource> text) : FormPage(text)
{
    public Guid AgentId { get; private set; }
    /// <summary>The agent's username now, as audit lines keep it.</summary>
    public string AgentName { get; private set; } = "";
    /// <summary>Said after a successful action (role="status").</summary>
    public string? Notice { get; protected set; }

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var accounts = HttpContext.RequestServices.GetRequiredService<IAccountStore>();
        if (User.AccountId() is not { } id || await accounts.FindByIdAsync(id, HttpContext.RequestAborted) is not { } agent)
        {
            context.Result = Forbid();
            return;
        }
        (AgentId, AgentName) = (agent.Id, agent.UserName ?? agent.Id.ToString());
        await next();
    }

    /// <summary>The "page" query value (1 when absent); null, with a 400 and a field-free summary, when it is not a page number.</summary>
    protected int? PageNumber()
    {
        // Read from the query itself: Razor Pages keeps a route value called "page" (the page's own name).
        if (Account.ActivityModel.PageNumber(Request.Query["page"]) is { } number) return number;
        Refuse(Text["There is no such page. Page numbers are whole numbers from 1."]);
        return null;
    }

    /// <summary>Answers 400 with this sentence and a reference code.</summary>
    protected void Refuse(string summary)
    {
        Summary = summary;
        Reference ??= Core.Errors.ReferenceCode.New();
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
