namespace Threshold.Core.Defense;

/// <summary>
/// When failed sign-ins slow an attacker down (section <c>Throttle</c>). Every threshold counts
/// consecutive failures: a success (or a password change) starts the count again.
/// See docs/security/attack-resistance.md.
/// </summary>
public sealed class ThrottleOptions
{
    /// <summary>Failures on one identifier (or account) from unknown devices before a proof-of-work challenge is required.</summary>
    public int ChallengeAfter { get; set; } = 5;
    /// <summary>Failures before attempts from unknown devices are refused for <see cref="FirstPause"/>, doubling with each further failure.</summary>
    public int PauseAfter { get; set; } = 10;
    public TimeSpan FirstPause { get; set; } = TimeSpan.FromMinutes(1);
    public TimeSpan MaxPause { get; set; } = TimeSpan.FromHours(1);
    /// <summary>NIST 800-63B-4 §3.2.2: after this many consecutive failures unknown devices stay refused until a success or a password reset.</summary>
    public int MaxConsecutiveFailures { get; set; } = 100;
    /// <summary>A count below <see cref="MaxConsecutiveFailures"/> with no new failure for this long starts again from zero.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Failures from one device cookie before that cookie is no longer trusted.</summary>
    public int DeviceDistrustAfter { get; set; } = 10;

    /// <summary>Failures from one network (IPv4 address, IPv6 /64), across all identifiers, before a challenge is required.</summary>
    public int NetworkChallengeAfter { get; set; } = 20;
    /// <summary>Network failures before unknown devices on it get 429 for <see cref="FirstPause"/>, doubling up to <see cref="MaxPause"/>.</summary>
    public int NetworkPauseAfter { get; set; } = 100;
    /// <summary>A network's count starts again after this long without a failure.</summary>
    public TimeSpan NetworkForgetAfter { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Password checks for unknown devices running at once; 0 = one less than the processors (at least 1). See <see cref="VerificationBudget"/>.</summary>
    public int UnknownDeviceConcurrency { get; set; }
    /// <summary>How long an unknown device waits for a free check before it is asked for the challenge instead.</summary>
    public TimeSpan BudgetQueueWait { get; set; } = TimeSpan.FromMilliseconds(500);
    /// <summary>How long an unknown device that answered the challenge waits for a free check before it is asked again.</summary>
    public TimeSpan BudgetWait { get; set; } = TimeSpan.FromSeconds(10);

    public bool IsValid() =>
        UnknownDeviceConcurrency >= 0 && BudgetWait >= TimeSpan.Zero && BudgetQueueWait >= TimeSpan.Zero && ChallengeAfter >= 1 && PauseAfter >= ChallengeAfter && MaxConsecutiveFailures >= PauseAfter && MaxConsecutiveFailures <= 100
        && FirstPause > TimeSpan.Zero && MaxPause >= FirstPause && ForgetAfter > TimeSpan.Zero
        && DeviceDistrustAfter >= 1 && NetworkChallengeAfter >= 1 && NetworkPauseAfter >= NetworkChallengeAfter && NetworkForgetAfter > TimeSpan.Zero;
}

/// <summary>The proof-of-work challenge (section <c>ProofOfWork</c>).</summary>
public sealed class ProofOfWorkOptions
{
    /// <summary>
    /// The secret number is drawn from 0..MaxNumber at normal risk (about 1 s in a laptop
    /// browser); high risk multiplies it by <see cref="HighRiskFactor"/>.
    /// </summary>
    public int MaxNumber { get; set; } = 100_000;
    public int HighRiskFactor { get; set; } = 4;
    /// <summary>How long a challenge can be answered.</summary>
    public TimeSpan Lifetime { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Without JavaScript, an unanswered challenge is accepted this long after it was issued (times the risk factor).</summary>
    public TimeSpan NoScriptWait { get; set; } = TimeSpan.FromSeconds(15);
    /// <summary>Base64 HMAC-SHA256 key (at least 32 bytes). Empty: a random key is made once and kept in the database.</summary>
    public string? HmacKey { get; set; }

    public bool IsValid() =>
        MaxNumber is >= 1_000 and <= 50_000_000 && HighRiskFactor is >= 1 and <= 100 && Lifetime > NoScriptWait * HighRiskFactor
        && NoScriptWait >= TimeSpan.Zero;
}
