using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Threshold.Core.Support;
using Threshold.Core.Support.Agents;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>
/// The link from <c>agents add</c>. Under /Account, so a signed-out visitor signs in first and comes
/// back with the token. GET explains and changes nothing; "Accept" (POST) makes this account an agent, once.
/// </summary>
public sealed class AgentEnrolmentModel(AgentEnrolment enrolment, IOptions<SupportOptions> options, IStringLocalizer<SharedResource> text)
    : AccountPage(text)
{
    public const string Path = "/account/agent-enrolment";

    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    public EnrolmentStatus Status { get; private set; }
    public int LinkHours => (int)Math.Ceiling(options.Value.EnrolmentLinkLifetime.TotalHours);

    /// <summary>This page again, with its token: where setting up or proving a second factor leads back to.</summary>
    public string Here => Path + "?token=" + Uri.EscapeDataString(Token?.Trim() ?? "");
    public string TwoFactorSetup => "/account/two-factor?returnUrl=" + Uri.EscapeDataString(Here);

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (HttpContext.CurrentSession() is not { } session) return Challenge();
        return Answer(await enrolment.CheckAsync(Token, Account, session, ct));
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (HttpContext.CurrentSession() is not { } session) return Challenge();
        var result = await enrolment.AcceptAsync(Token, Account, session, HttpContext.Client(), ct);
        return result.Status == EnrolmentStatus.Accepted ? LocalRedirect("/support") : Answer(result);
    }

    private IActionResult Answer(EnrolmentCheck check)
    {
        Status = check.Status;
        // As the console itself does: a factor exists, this session has not proved it yet.
        if (Status == EnrolmentStatus.NeedsSecondStep)
            return LocalRedirect("/account/reauthenticate?returnUrl=" + Uri.EscapeDataString(Here));
        Response.StatusCode = Status switch
        {
            EnrolmentStatus.Invalid => StatusCodes.Status400BadRequest,
            EnrolmentStatus.Expired or EnrolmentStatus.Used => StatusCodes.Status410Gone,
            EnrolmentStatus.WrongAccount or EnrolmentStatus.EmailNotVerified => StatusCodes.Status403Forbidden,
            // Shown on GET as the way forward; an "Accept" posted without a second factor is refused.
            EnrolmentStatus.NeedsTwoFactorSetup when HttpMethods.IsPost(Request.Method) => StatusCodes.Status403Forbidden,
            _ => StatusCodes.Status200OK,
        };
        if (Response.StatusCode >= 400) Reference = check.ReferenceCode;
        return Page();
    }
}
