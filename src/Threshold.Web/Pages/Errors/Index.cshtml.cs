using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;


namespace Threshold.Web.Pages.Errors;

/// <summary>
/// Faults and empty error responses end here: a plain explanation, what to do next, and a
/// reference code that is also in the log so support can find what happened.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel(IStringLocalizer<SharedResource> text, ILogger<ErrorModel> logger) : PageModel
{
    public string Reference { get; private set; } = "";
    public string Title { get; private set; } = "";
    public string Message { get; private set; } = "";

    public IActionResult OnGet(int? status) => Answer(status);
    public IActionResult OnPost(int? status) => Answer(status);
    public IActionResult OnPut(int? status) => Answer(status);
    public IActionResult OnDelete(int? status) => Answer(status);

    private PageResult Answer(int? status)
    {
        // A reference already recorded for this request (an audited console form) is the one to show.
        Reference = Infrastructure.ErrorReference.For(HttpContext);
        var fault = HttpContext.Features.Get<IExceptionHandlerPathFeature>();
        // A re-executed POST may carry a form we cannot read, so model binding never fills
        // the route value; the feature still knows the original status.
        var code = status ?? HttpContext.Features.Get<IStatusCodeReExecuteFeature>()?.OriginalStatusCode ?? StatusFor(fault?.Error);
        if (fault?.Error is { } error)
        {
            if (code >= 500)
                logger.LogError(error, "Unhandled fault on {Path}, reference {Reference}", fault.Path, Reference);
            else
                logger.LogInformation("Rejected request to {Path} ({Error}), reference {Reference}", fault.Path, error.GetType().Name, Reference);
        }
        else
        {
            var original = HttpContext.Features.Get<IStatusCodeReExecuteFeature>();
            logger.LogInformation("Status {Status} for {Path}, reference {Reference}", code, original?.OriginalPath, Reference);
        }

        (Title, Message) = code switch
        {
            400 => (text["The request could not be understood"], text["Something in the form was missing or out of date (for example a page left open for a long time). Go back, reload the page and try again."]),
            403 => (text["This page is not open to your account"], text["It is for support agents only. Your own account and its security settings are on the Account page."]),
            404 => (text["Page not found"], text["There is no page at this address. Check the address, or start again from the home page."]),
            405 => (text["That action is not available here"], text["This address does not accept that kind of request. Use the buttons on our pages instead."]),
            410 => (text["This link is no longer valid"], text["The link has expired or was already used. Ask for a new one."]),
            429 => (text["Too many attempts"], text["We received too many requests from your network. Wait a while, then try again: the limit resets within an hour."]),
            413 => (text["What you sent is too large"], text["One of the fields is far longer than we accept. Shorten it and try again."]),
            >= 400 and < 500 => (text["The request could not be completed"], text["Go back and try again."]),
            _ => (text["Something went wrong on our side"], text["Nothing you did caused this, and nothing was changed. Please try again in a few minutes."]),
        };
        Response.StatusCode = code;
        return Page();
    }

    /// <summary>Malformed requests (an oversized body, a broken form) are the client's mistake: 4xx, never 500.</summary>
    private static int StatusFor(Exception? error) => error switch
    {
        BadHttpRequestException bad => bad.StatusCode,
        InvalidDataException => StatusCodes.Status400BadRequest,
        Microsoft.AspNetCore.Antiforgery.AntiforgeryValidationException => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status500InternalServerError,
    };
}
