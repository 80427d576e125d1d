using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Options;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Passwords;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Pages.Recover;

/// <summary>The link from the reset email. GET only looks; the form (POST) uses it, once.</summary>
public sealed class ResetModel(PasswordReset reset, PasswordPolicy policy, IOptions<RecoveryOptions> options, IStringLocalizer<SharedResource> text)
    : FormPage(text)
{
    [BindProperty(SupportsGet = true)] public string? Token { get; set; }
    [BindProperty] public NewPasswordInput Input { get; set; } = new();
    public ResetStatus Status { get; private set; }
    public string? Username { get; private set; }
    public string Heading { get; private set; } = "";
    public bool Resent { get; private set; }
    public int MinLength => policy.MinLength;
    public int LinkMinutes => (int)options.Value.LinkLifetime.TotalMinutes;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var preview = await reset.PreviewLinkAsync(Token, ct);
        Username = preview.Username;
        return Answer(preview.Status, preview.ReferenceCode);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var result = await reset.CompleteWithLinkAsync(Token, Input.NewPassword, HttpContext.Client(), ct);
        if (result.Completed) return LocalRedirect("/signin?reset=done");
        if (result.Status != ResetStatus.Valid) return Answer(result.Status, result.ReferenceCode);
        Username = (await reset.PreviewLinkAsync(Token, ct)).Username;
        Status = ResetStatus.Valid;
        Show(result.Problems, result.ReferenceCode, policy.MinLength, policy.MaxLength);
        Response.StatusCode = StatusCodes.Status400BadRequest;
        return Page();
    }

    /// <summary>"Send a new link" from an expired or used link: one click, to the same account's address.</summary>
    public async Task<IActionResult> OnPostResendAsync(CancellationToken ct)
    {
        var result = await reset.ResendFromLinkAsync(Token, HttpContext.Client(), ct);
        if (result.Outcome == ResetRequestOutcome.Sent)
        {
            Resent = true;
            return Page();
        }
        if (result.Outcome == ResetRequestOutcome.TooSoon)
        {
            Status = ResetStatus.Expired;
            Heading = Text["Please wait a moment"];
            Summary = Text["We sent a link recently. Check your email, or ask again in {0}.", TooSoon.Answer(this, Text, result.RetryAfter)];
            Reference = result.ReferenceCode;
            return Page();
        }
        return Answer(ResetStatus.Invalid, result.ReferenceCode);
    }

    private PageResult Answer(ResetStatus status, string reference)
    {
        Status = status;
        Reference = reference;
        (Heading, Summary) = status switch
        {
            ResetStatus.Valid => ("", null),
            ResetStatus.Expired => (Text["This link has expired"].Value, Text["Reset links work for {0} minutes. We can send you a new one.", LinkMinutes].Value),
            ResetStatus.Used => (Text["This link has already been used"].Value, Text["Each reset link works once. If you did not use it yourself, send a new link and change your password."].Value),
            ResetStatus.Superseded => (Text["This link is no longer valid"].Value, Text["The password was changed after this link was sent, so the link stopped working."].Value),
            _ => (Text["This link is not valid"].Value, Text["The link may have been copied incompletely. Open it again from the email, or ask for a new one."].Value),
        };
        if (status != ResetStatus.Valid)
            Response.StatusCode = status == ResetStatus.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status410Gone;
        return Page();
    }
}

public sealed class NewPasswordInput
{
    public string? NewPassword { get; set; }
}
