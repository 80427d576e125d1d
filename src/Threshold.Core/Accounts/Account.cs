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

    /// <summary>Sign-in codes by text message to the confirmed phone.</summary>
    public bool SmsCodesEnabled { get; set; }
    /// <summary>Sign-in codes by email to the verified address.</summary>
    public bool EmailCodesEnabled { get; set; }
    /// <summary>The method the second step asks for first; null: the strongest enrolled.</summary>
    public Factors.SecondFactorKind? PreferredSecondFactor { get; set; }
    /// <summary>Wrong second-factor answers in a row, counted apart from password failures.</summary>
    public int SecondFactorFailures { get; set; }
    public DateTimeOffset? SecondFactorFailedAt { get; set; }

    /// <summary>A second address for getting back in and for security notices; it counts only once verified.</summary>
    public string? RecoveryEmail { get; set; }
    /// <summary>The comparison form of <see cref="RecoveryEmail"/>, so "Forgot password?" can find the account by it.</summary>
    public string? NormalizedRecoveryEmail { get; set; }
    /// <summary>Set when a code sent to <see cref="RecoveryEmail"/> was typed back.</summary>
    public DateTimeOffset? RecoveryEmailVerifiedAt { get; set; }
    /// <summary>Security notices go by text message to the confirmed phone as well as by email.</summary>
    public bool SecurityAlertsBySms { get; set; }
    /// <summary>
    /// Set by "This wasn't me": the old password no longer signs in; a reset (which still asks for
    /// the second factor) sets a new one and clears this.
    /// </summary>
    public bool PasswordResetRequired { get; set; }
}
