using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Factors;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

/// <summary>Sign-in codes by text message: the number is proven with a code before it counts.</summary>
[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(DefenseServices.CodeSendPolicy)]
public sealed class PhoneModel(CodeChannels channels, TwoFactorMethods methods, IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    protected override bool EveryHandlerNeedsRecentSignIn => true;

    [BindProperty(SupportsGet = true)] public string? ReturnUrl { get; set; }
    [BindProperty] public string? PhoneNumber { get; set; }
    [BindProperty] public string? Code { get; set; }
    /// <summary>The code was sent: the page asks for it.</summary>
    public bool CodeSent { get; private set; }

    public void OnGet() => PhoneNumber ??= ConfirmedNumber is null ? Account.PhoneNumber : null;

    /// <summary>The number already proven (as recovery info) whose codes are off: it can take them without a new code.</summary>
    public string? ConfirmedNumber => Account is { PhoneNumberConfirmed: true, PhoneNumber: { } number, SmsCodesEnabled: false }
        ? Core.Accounts.PhoneNumberText.ForDisplay(number) : null;

    /// <summary>Codes by text message to the confirmed number.</summary>
    public async Task<IActionResult> OnPostUseConfirmedAsync(CancellationToken ct)
    {
        var wasOff = !(await methods.ForAccountAsync(Account, ct)).IsOn;
        if (!await channels.TurnOnSmsAsync(Account, HttpContext.Client(), ct))
        {
            Summary = Text["Confirm a phone number first."];
            Reference = Core.Errors.ReferenceCode.New();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        return LocalRedirect(FactorAdded.Next(wasOff, "sms-on", ReturnUrl));
    }

    public async Task<IActionResult> OnPostSendAsync(CancellationToken ct)
    {
        var result = await channels.SendPhoneCodeAsync(Account, PhoneNumber, Binding, HttpContext.Client(), ct);
        Reference = result.ReferenceCode;
        switch (result.Outcome)
        {
            case PhoneSetupOutcome.CodeSent:
                CodeSent = true;
                Notice = Text["We sent a code to {0}.", PhoneNumber ?? ""];
                break;
            case PhoneSetupOutcome.TooSoon:
                CodeSent = true;
                Summary = Text["We sent a code a moment ago. You can ask for another in {0}.", TooSoon.Answer(this, Text, result.RetryAfter!.Value)];
                break;
            case PhoneSetupOutcome.NotOffered:
                return NotFound();
            default:
                Invalid("PhoneNumber", Text["Enter the number in international format, starting with + and the country code, like +44 20 7946 0123."]);
                break;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostConfirmAsync(CancellationToken ct)
    {
        var wasOff = !(await methods.ForAccountAsync(Account, ct)).IsOn;
        var result = await channels.ConfirmPhoneAsync(Account, PhoneNumber, Code, Binding, HttpContext.Client(), ct);
        Reference = result.ReferenceCode;
        CodeSent = true;
        switch (result.Outcome)
        {
            case PhoneSetupOutcome.Confirmed:
                return LocalRedirect(FactorAdded.Next(wasOff, "sms-on", ReturnUrl));
            case PhoneSetupOutcome.WrongCode:
                Invalid("Code", result.AttemptsLeft > 0
                    ? Text["That code is not right. You have {0} more tries with this code.", result.AttemptsLeft]
                    : Text["That code is not right. Check it and try again."]);
                break;
            case PhoneSetupOutcome.InvalidNumber:
                CodeSent = false;
                Invalid("PhoneNumber", Text["Enter the number in international format, starting with + and the country code, like +44 20 7946 0123."]);
                break;
            default:
                Summary = Text["That code has expired or was entered wrongly too many times. Send a new code."];
                Response.StatusCode = StatusCodes.Status400BadRequest;
                break;
        }
        return Page();
    }

    /// <summary>A code asked for in this session works only in this session.</summary>
    private string Binding => "session:" + (HttpContext.CurrentSession()?.Id.ToString("N") ?? "");

    private void Invalid(string field, string message)
    {
        FieldErrors[field] = message;
        Summary = Text["Please correct the following and try again."];
        Response.StatusCode = StatusCodes.Status400BadRequest;
    }
}
