using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Localization;
using Threshold.Core.Flows.Registration;
using Threshold.Core.Passwords;
using Threshold.Core.Secrets;
using Threshold.Web.Infrastructure;


namespace Threshold.Web.Pages.Register;

[Microsoft.AspNetCore.RateLimiting.EnableRateLimiting(DefenseServices.RegistrationPolicy)]
public sealed class RegisterModel(Registration registration, PasswordPolicy policy, IConfiguration config, IStringLocalizer<SharedResource> text)
    : FormPage(text)
{
    /// <summary>Remembers which browser registered, so the verification link continues signed in there only.</summary>
    public const string BrowserBindingCookiePurpose = "Registration";

    [BindProperty] public RegisterInput Input { get; set; } = new();
    public int MinLength => policy.MinLength;

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var binding = SecretToken.New();
        var result = await registration.RegisterAsync(
            new RegistrationRequest(Input.Email, Input.Username, Input.Password, binding, HttpContext.Client()), ct);
        if (!result.Accepted)
        {
            Show(result.Problems, result.ReferenceCode, policy.MinLength, policy.MaxLength);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }
        Response.Cookies.Append(ThresholdServices.CookieName(config, BrowserBindingCookiePurpose), binding, new CookieOptions
        {
            HttpOnly = true,
            SameSite = SameSiteMode.Lax,
            Secure = Request.IsHttps,
            MaxAge = TimeSpan.FromDays(1),
            Path = "/",
        });
        return RedirectToPage("/Register/CheckEmail");
    }
}

public sealed class RegisterInput
{
    public string? Email { get; set; }
    public string? Username { get; set; }
    public string? Password { get; set; }
}
