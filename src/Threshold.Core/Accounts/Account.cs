using Microsoft.AspNetCore.Identity;

namespace Threshold.Core.Accounts;

/// <summary>
/// A customer account. Built on Identity's user so later factors (TOTP, passkeys,
/// recovery codes) can use Identity's stores; UserName and Email keep the form the
/// person typed, the Normalized* columns hold the comparison form.
/// </summary>
public class Account : IdentityUser<Guid>
{
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? EmailVerifiedAt { get; set; }
    public DateTimeOffset? PasswordChangedAt { get; set; }
}
