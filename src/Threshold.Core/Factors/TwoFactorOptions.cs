namespace Threshold.Core.Factors;

public enum TwoFactorRequirement { None, All }

/// <summary>Bound from the "TwoFactor" section.</summary>
public class TwoFactorOptions
{
    /// <summary>"all": a person without a second factor enrols right after the password, before any other page.</summary>
    public TwoFactorRequirement Required { get; set; } = TwoFactorRequirement.None;
    /// <summary>Offer codes by text message (ASVS 6.6.1 allows them at L2 with a stronger alternative offered; L3 forbids them).</summary>
    public bool AllowSms { get; set; } = true;
    /// <summary>Offer codes by email (ASVS 6.3.6 at L3: email is not an authentication factor).</summary>
    public bool AllowEmail { get; set; } = true;
    /// <summary>How long "Remember this device" skips the second step.</summary>
    public TimeSpan RememberDeviceFor { get; set; } = TimeSpan.FromDays(30);
    /// <summary>How long the second step may take after the password.</summary>
    public TimeSpan SecondStepLifetime { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Codes by text message or email (ASVS 6.6.3: at most 10 minutes).</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
    public int MaxCodeAttempts { get; set; } = 5;
    public TimeSpan CodeResendCooldown { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Changing password, factors or recovery info needs a sign-in this recent (ASVS 7.5.1).</summary>
    public TimeSpan ReauthenticationWindow { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Wrong second-factor answers in a row before each further try has to wait.</summary>
    public int FailuresBeforeSlowdown { get; set; } = 5;
    public TimeSpan FirstSlowdown { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan MaxSlowdown { get; set; } = TimeSpan.FromMinutes(15);
    public int BackupCodeCount { get; set; } = 10;
    /// <summary>The security page warns when this many backup codes or fewer are left.</summary>
    public int BackupCodesLowAt { get; set; } = 3;

    public bool IsValid() =>
        CodeLifetime > TimeSpan.Zero && CodeLifetime <= TimeSpan.FromMinutes(10) && MaxCodeAttempts is >= 1 and <= 10
        && RememberDeviceFor >= TimeSpan.Zero && RememberDeviceFor <= TimeSpan.FromDays(90)
        && ReauthenticationWindow > TimeSpan.Zero && ReauthenticationWindow <= TimeSpan.FromMinutes(30)
        && BackupCodeCount is >= 5 and <= 20 && FailuresBeforeSlowdown >= 1 && SecondStepLifetime > TimeSpan.Zero;
}
