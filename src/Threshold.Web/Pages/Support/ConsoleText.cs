using Microsoft.Extensions.Localization;
using Threshold.Core.Activity;
using Threshold.Core.Defense;
using Threshold.Core.Factors;
using Threshold.Core.Support;

namespace Threshold.Web.Pages.Support;

/// <summary>
/// The console's words for what the logs store as codes: every kind of security event, the
/// reasons flows record, agents' actions and requests. A code with no words yet (a reason added
/// by a later flow) is shown as it is stored, so nothing recorded is ever hidden from an agent.
/// </summary>
public static class ConsoleText
{
    /// <summary>What happened. Every <see cref="SecurityEventKind"/> has words (a test holds this).</summary>
    public static string Kind(SecurityEventKind kind, IStringLocalizer text) => kind switch
    {
        SecurityEventKind.Registered => text["Account created"],
        SecurityEventKind.RegistrationForExistingEmail => text["Someone tried to register with this email again"],
        SecurityEventKind.RegistrationUsernameUnavailable => text["Registration refused: username taken"],
        SecurityEventKind.EmailVerified => text["Email address verified"],
        SecurityEventKind.VerificationResent => text["Verification email sent again"],
        SecurityEventKind.SignInSucceeded => text["Signed in"],
        SecurityEventKind.SignInFailed => text["Sign-in failed"],
        SecurityEventKind.SignedOut => text["Signed out"],
        SecurityEventKind.SecondFactorRequired => text["Password accepted, second step asked for"],
        SecurityEventKind.SecondFactorFailed => text["Second step failed"],
        SecurityEventKind.Reauthenticated => text["Confirmed it was them (re-authentication)"],
        SecurityEventKind.ReauthenticationFailed => text["Re-authentication failed"],
        SecurityEventKind.PasswordChanged => text["Password changed"],
        SecurityEventKind.PasswordRehashed => text["Password hash upgraded"],
        SecurityEventKind.PasswordResetRequested => text["Password reset asked for"],
        SecurityEventKind.PasswordReset => text["Password reset"],
        SecurityEventKind.UsernameReminderSent => text["Username reminder sent"],
        SecurityEventKind.UsernameReminderUnknown => text["Username reminder asked for an unknown contact"],
        SecurityEventKind.UsernameReminderSuppressed => text["Username reminder held back (too many this hour)"],
        SecurityEventKind.FactorEnrolled => text["Two-step method added"],
        SecurityEventKind.FactorRemoved => text["Two-step method removed"],
        SecurityEventKind.BackupCodesGenerated => text["New backup codes made"],
        SecurityEventKind.BackupCodeUsed => text["Backup code used"],
        SecurityEventKind.CodeSent => text["Sign-in code sent"],
        SecurityEventKind.RecoveryInfoChanged => text["Recovery email, phone or alerts changed"],
        SecurityEventKind.NotMeReported => text["Reported \"This wasn't me\""],
        SecurityEventKind.SessionEnded => text["Signed out one session"],
        SecurityEventKind.OtherSessionsEnded => text["Signed out everywhere else"],
        SecurityEventKind.DataExported => text["Account data downloaded"],
        SecurityEventKind.AccountDeleted => text["Account deleted"],
        SecurityEventKind.SupportRequestOpened => text["Support request opened"],
        SecurityEventKind.SupportCheckSent => text["Identity check code sent by an agent"],
        SecurityEventKind.SupportCheckPassed => text["Identity check passed"],
        SecurityEventKind.SupportCheckFailed => text["Identity check failed"],
        SecurityEventKind.SupportUnlocked => text["Sign-in unlocked by an agent"],
        SecurityEventKind.SupportResetLinkSent => text["Password reset link sent by an agent"],
        SecurityEventKind.SupportSessionsEnded => text["All sessions signed out by an agent"],
        SecurityEventKind.TwoFactorResetScheduled => text["Two-step reset scheduled by an agent"],
        SecurityEventKind.TwoFactorResetCancelled => text["Two-step reset cancelled"],
        SecurityEventKind.TwoFactorResetCompleted => text["Two-step reset completed"],
        _ => kind.ToString(),
    };

    /// <summary>Why, or which variant: the reason code in words; null when there is none.</summary>
    public static string? Reason(string? reason, IStringLocalizer text)
    {
        if (string.IsNullOrEmpty(reason)) return null;
        if (reason.StartsWith("reported:", StringComparison.Ordinal)) return text["About the event {0}", reason["reported:".Length..]];
        if (reason.StartsWith("accepted_", StringComparison.Ordinal))
            return text["Accepted despite: {0}", Reason(reason["accepted_".Length..], text) ?? reason];
        if (reason.StartsWith("password+", StringComparison.Ordinal))
            return text["Password + {0}", Factor(reason["password+".Length..], text) ?? reason["password+".Length..]];
        if (reason.StartsWith("challenge_", StringComparison.Ordinal) && reason != "challenge_required")
            return text["Challenge answer not accepted ({0})", reason["challenge_".Length..]];
        return reason switch
        {
            "wrong_password" => text["Wrong password"],
            "old_password" => text["A previous password"],
            "caps_lock" => text["Password typed with Caps Lock on"],
            "first_letter_case" => text["First letter in the wrong case"],
            "autocorrect" => text["Quotes changed by autocorrect"],
            "trailing_whitespace" => text["Extra spaces around the password"],
            "unknown_account" => text["No account has this identifier"],
            "no_password" => text["The account has no password"],
            "missing_input" => text["Identifier or password left empty"],
            "owner_notified" => text["Paused after many failures; the owner was told"],
            "throttled" => text["Paused after many failures"],
            "busy" => text["Too many sign-ins at once; asked for a challenge"],
            "challenge_required" => text["Asked for a challenge"],
            "password_reset_required" => text["A new password must be set first"],
            "password" => text["Password"],
            "passkey" => text["Passkey"],
            "no_match" => text["No account has this contact"],
            "current" => text["This session"],
            "other" => text["Another session"],
            "other_sessions_ended" => text["Other sessions signed out"],
            "other_sessions_kept" => text["Other sessions kept"],
            "sms-alerts-on" => text["Security alerts by text message turned on"],
            "sms-alerts-off" => text["Security alerts by text message turned off"],
            _ => Change(reason, text) ?? Factor(reason, text) ?? reason,
        };
    }

    /// <summary>A second step or channel by its stored code ("totp", "sms" …).</summary>
    private static string? Factor(string code, IStringLocalizer text) => code switch
    {
        "totp" => text["Authenticator app"],
        "sms" => text["Text message"],
        "email" => text["Email"],
        "backup-code" => text["Backup code"],
        "security-key" => text["Security key"],
        "remembered_device" => text["Remembered device"],
        _ => null as string,
    };

    /// <summary>A factor or recovery change by its code ("totp-added" …), as the security emails name them.</summary>
    private static string? Change(string code, IStringLocalizer text) => code switch
    {
        "totp-added" => text["Authenticator app added"],
        "totp-removed" => text["Authenticator app removed"],
        "sms-on" => text["Codes by text message turned on"],
        "sms-off" => text["Codes by text message turned off"],
        "email-on" => text["Codes by email turned on"],
        "email-off" => text["Codes by email turned off"],
        "passkey-added" => text["Passkey added"],
        "passkey-removed" => text["Passkey removed"],
        "backup-codes-renewed" => text["Backup codes renewed"],
        "backup-code-used" => text["Backup code used"],
        "phone-confirmed" => text["Phone number confirmed"],
        "recovery-email-added" => text["Recovery email added"],
        "recovery-email-changed" => text["Recovery email changed"],
        "recovery-email-removed" => text["Recovery email removed"],
        "recovery-phone-added" => text["Recovery phone added"],
        "recovery-phone-changed" => text["Recovery phone changed"],
        "recovery-phone-removed" => text["Recovery phone removed"],
        _ => null as string,
    };

    public static string SecondFactor(SecondFactorKind kind, IStringLocalizer text) => kind switch
    {
        SecondFactorKind.SecurityKey => text["Passkeys and security keys"],
        SecondFactorKind.Totp => text["Authenticator app"],
        SecondFactorKind.Sms => text["Codes by text message"],
        SecondFactorKind.Email => text["Codes by email"],
        SecondFactorKind.BackupCode => text["Backup codes"],
        _ => kind.ToString(),
    };

    public static string RequestKind(SupportRequestKind kind, IStringLocalizer text) => kind switch
    {
        SupportRequestKind.CantSignIn => text["Can't sign in"],
        SupportRequestKind.NotMe => text["This wasn't me"],
        _ => kind.ToString(),
    };

    public static string RequestStatus(SupportRequestStatus status, IStringLocalizer text) => status switch
    {
        SupportRequestStatus.Open => text["Open"],
        SupportRequestStatus.Closed => text["Closed"],
        _ => status.ToString(),
    };

    /// <summary>Every <see cref="AgentAction"/> has words (a test holds this).</summary>
    public static string Action(AgentAction action, IStringLocalizer text) => action switch
    {
        AgentAction.AgentEnrolled => text["Became an agent"],
        AgentAction.AgentRemoved => text["Agent role removed"],
        AgentAction.RequestClosed => text["Closed a request"],
        AgentAction.VerificationSent => text["Sent an identity check code"],
        AgentAction.VerificationPassed => text["Identity check passed"],
        AgentAction.VerificationFailed => text["Identity check failed"],
        AgentAction.Unlock => text["Unlocked sign-in"],
        AgentAction.SendPasswordReset => text["Sent a password reset link"],
        AgentAction.SignOutAllSessions => text["Signed out all sessions"],
        AgentAction.ResetTwoFactor => text["Asked for a two-step reset"],
        AgentAction.ForgedForm => text["Sent a form that failed its checks"],
        _ => action.ToString(),
    };

    public static string Outcome(AgentActionOutcome outcome, IStringLocalizer text) => outcome switch
    {
        AgentActionOutcome.Done => text["Done"],
        AgentActionOutcome.Refused => text["Refused"],
        _ => outcome.ToString(),
    };

    /// <summary>A refusal's detail code in words; unknown codes as stored.</summary>
    public static string? Detail(string? detail, IStringLocalizer text) => detail switch
    {
        null or "" => null,
        "not_verified" => text["Identity not verified"],
        "own_account" => text["Their own account"],
        "forged" => text["Form not from this console"],
        "replayed" => text["Form sent twice"],
        "wrong_account" => text["Form for another account"],
        "expired" => text["Form too old"],
        "antiforgery" => text["Form failed the antiforgery check"],
        "no_verified_email" => text["No verified email address"],
        "no_two_step" => text["No two-step sign-in to reset"],
        "already_pending" => text["A reset is already waiting"],
        "email_not_verified" => text["Email address not verified"],
        "no_second_factor" => text["No two-step sign-in"],
        "no_second_step" => text["Session without a second step"],
        "wrong_code" => text["Wrong code"],
        "code_expired" => text["Code expired"],
        "too_many_attempts" => text["Too many wrong codes"],
        "no_code" => text["No code sent"],
        "email" => text["To the email address"],
        "recovery-email" => text["To the recovery email"],
        "phone" => text["To the phone"],
        _ => detail,
    };

    /// <summary>Whether the next sign-in from an unknown device gets through, and until when it waits.</summary>
    public static string SignIn(ThrottleState state, IStringLocalizer text) => state.Level switch
    {
        ThrottleLevel.Stopped => text["Stopped after too many failures (an unlock or a password reset clears it)"],
        ThrottleLevel.Paused => text["Paused until {0}", Account.ActivityText.Utc(state.Until!.Value, text)],
        ThrottleLevel.Challenge => text["Open, with a challenge after recent failures"],
        _ => text["Open"],
    };
}
