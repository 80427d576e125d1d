using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Localization;
using Threshold.Core.Errors;
using Threshold.Core.Secrets;
using Threshold.Core.Support;
using Threshold.Core.Support.Requests;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Help;

/// <summary>
/// "Can't sign in?": the form, then (after a redirect, so a reload sends nothing again) the request
/// number. The number travels in TempData, never in the address: the answer page shows only the
/// number of the request this browser just sent.
/// </summary>
[EnableRateLimiting(SupportRequestServices.RateLimitPolicy)]
public sealed class CantSignInModel(CantSignInRequests requests, IStringLocalizer<SharedResource> text) : FormPage(text)
{
    public const string Path = "/help/cant-sign-in";
    private const string ReceivedKey = "SupportRequestNumber";

    [BindProperty] public CantSignInInput Input { get; set; } = new();
    /// <summary>Set on the answer page: the number of the request just opened.</summary>
    public string? Number { get; private set; }

    /// <param name="reference">Prefilled when a page with a reference code linked here.</param>
    public void OnGet(string? reference)
    {
        if (TempData[ReceivedKey] is string number && ReferenceCode.IsWellFormed(number))
        {
            Number = number;
            return;
        }
        Input.Reference = TypedReferenceCode.Normalize(reference);
        Input.FormToken = SecretToken.New();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await requests.OpenAsync(new CantSignInForm(Input.Description, Input.Contact, Input.Reference, Input.FormToken, HttpContext.Client()), ct);
        if (!result.Accepted)
        {
            // The same form, kept as typed: sending it again after a fix is still one request.
            Input.FormToken = SecretToken.Parse(Input.FormToken) ?? SecretToken.New();
            Show(result.Problems, result.ReferenceCode, SupportRequest.MaxDescriptionLength);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        TempData[ReceivedKey] = result.Number;
        return Redirect(Path);
    }

    /// <summary>This page's address, with the reference code filled in when there is one.</summary>
    public static string Link(string? reference) =>
        ReferenceCode.IsWellFormed(reference) ? Path + "?reference=" + reference : Path;
}

public sealed class CantSignInInput
{
    public string? Description { get; set; }
    public string? Reference { get; set; }
    public string? Contact { get; set; }
    public string? FormToken { get; set; }
}
