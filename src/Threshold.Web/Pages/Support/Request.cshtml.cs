using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Support;
using Threshold.Core.Support.Desk;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Support;

/// <summary>/support/requests/{number}: one request, and closing it with a note of what was done.</summary>
public sealed class RequestModel(SupportQueue queue, RequestClosing closing, IStringLocalizer<SharedResource> text) : SupportConsolePage(text)
{
    public RequestFile Found { get; private set; } = null!;
    public SupportRequest Item => Found.Request;

    /// <summary>"What was done", kept as typed when the form comes back with an error.</summary>
    [BindProperty] public string? Note { get; set; }

    public bool IsOwnAccount => Item.AccountId == AgentId;

    public async Task<IActionResult> OnGetAsync(string number, CancellationToken ct) =>
        await LoadAsync(number, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostCloseAsync(string number, CancellationToken ct)
    {
        var result = await closing.CloseAsync(new RequestClosingInput(AgentId, AgentName, number, Note, HttpContext.Client()), ct);
        if (result.Outcome == ClosingOutcome.NotFound) return NotFound();
        switch (result.Outcome)
        {
            case ClosingOutcome.Closed:
                Notice = Text["The request is closed. Your note is in the audit log."];
                Note = null;
                break;
            case ClosingOutcome.AlreadyClosed:
                Notice = Text["This request was already closed; nothing was changed."];
                Note = null;
                break;
            case ClosingOutcome.OwnAccount:
                Summary = Text["This request is about your own account. Another agent must handle it; your attempt was recorded in the audit log."];
                Reference = result.ReferenceCode;
                Response.StatusCode = StatusCodes.Status403Forbidden;
                break;
            default:
                Show(result.Problems, result.ReferenceCode, SupportRequest.MaxNoteLength);
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
        }
        return await LoadAsync(number, ct) ? Page() : NotFound();
    }

    private async Task<bool> LoadAsync(string number, CancellationToken ct)
    {
        if (await queue.FindAsync(number, ct) is not { } file) return false;
        Found = file;
        return true;
    }
}
