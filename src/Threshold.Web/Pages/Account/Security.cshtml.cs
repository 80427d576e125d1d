using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Flows.PasswordChange;
using Threshold.Core.Passwords;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Account;

public sealed class SecurityModel(PasswordChange passwordChange, PasswordPolicy policy, IStringLocalizer<SharedResource> text) : FormPage(text)
{
    [BindProperty] public PasswordChangeInput Input { get; set; } = new();
    public bool Changed { get; private set; }
    public int MinLength => policy.MinLength;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (User.AccountId() is not { } accountId) return Challenge();
        var result = await passwordChange.ChangeAsync(new PasswordChangeRequest(
            accountId, Input.CurrentPassword, Input.NewPassword, HttpContext.CurrentSession()?.Id, HttpContext.Client()), ct);
        if (!result.Changed)
        {
            Show(result.Problems, result.ReferenceCode, policy.MinLength, policy.MaxLength);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Changed = true;
        return Page();
    }
}

public sealed class PasswordChangeInput
{
    public string? CurrentPassword { get; set; }
    public string? NewPassword { get; set; }
}
