using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Accounts;
using Threshold.Core.Flows.Verification;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(DefenseServices.CodeSendPolicy)]
public sealed class AccountModel(IAccountStore accounts, EmailVerificationFlow verification, IStringLocalizer<SharedResource> text)
    : FormPage(text)
{
    public Core.Accounts.Account Account { get; private set; } = null!;
    /// <summary>Said after a successful action (role="status").</summary>
    public string? Notice { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) =>
        await LoadAsync(ct) ? Page() : await SignedOutAsync();

    /// <summary>"Send a new link": for an address that is not confirmed yet.</summary>
    public async Task<IActionResult> OnPostResendAsync(CancellationToken ct)
    {
        if (User.AccountId() is not { } id) return await SignedOutAsync();
        var result = await verification.ResendAsync(id, HttpContext.Client(), ct);
        switch (result.Outcome)
        {
            case ResendOutcome.Sent:
                Notice = Text["We sent a new link. Open it from your email to confirm your address."];
                break;
            case ResendOutcome.TooSoon:
                Summary = Text["We sent a link less than a minute ago. You can ask again in {0}.", TooSoon.Answer(this, Text, result.RetryAfter)];
                Reference = result.ReferenceCode;
                break;
        }
        return await LoadAsync(ct) ? Page() : await SignedOutAsync();
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var account = User.AccountId() is { } id ? await accounts.FindByIdAsync(id, ct) : null;
        if (account is null) return false;
        Account = account;
        return true;
    }

    private async Task<IActionResult> SignedOutAsync()
    {
        await HttpContext.SignOutAsync(SessionCookie.Scheme);
        return Challenge();
    }
}
