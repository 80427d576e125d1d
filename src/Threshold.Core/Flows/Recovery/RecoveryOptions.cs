namespace Threshold.Core.Flows.Recovery;

/// <summary>Bound from the "Recovery" section.</summary>
public class RecoveryOptions
{
    public static readonly TimeSpan MinLinkLifetime = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan MaxLinkLifetime = TimeSpan.FromMinutes(60);

    /// <summary>How long a reset link works: 15–60 minutes, refused at start-up outside that.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How long a code sent by text message works (ASVS 6.5.5: at most 10 minutes).</summary>
    public TimeSpan CodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>Digits in a text-message code: 6 to 8.</summary>
    public int CodeLength { get; set; } = 6;
    /// <summary>Wrong codes allowed before a new code is needed.</summary>
    public int MaxCodeAttempts { get; set; } = 5;
    /// <summary>Time between two sends for the same identifier.</summary>
    public TimeSpan ResendCooldown { get; set; } = TimeSpan.FromSeconds(60);
    /// <summary>Requests per identifier, and sends per destination, in an hour.</summary>
    public int MaxPerHour { get; set; } = 5;

    public bool IsValid(out string problem)
    {
        problem = "";
        if (LinkLifetime < MinLinkLifetime || LinkLifetime > MaxLinkLifetime)
            problem = "Recovery:LinkLifetime must be between 15 and 60 minutes.";
        else if (CodeLifetime <= TimeSpan.Zero || CodeLifetime > TimeSpan.FromMinutes(10))
            problem = "Recovery:CodeLifetime must be positive and at most 10 minutes (ASVS 6.5.5).";
        else if (CodeLength is < 6 or > 8)
            problem = "Recovery:CodeLength must be 6, 7 or 8.";
        else if (MaxCodeAttempts < 1)
            problem = "Recovery:MaxCodeAttempts must be at least 1.";
        return problem.Length == 0;
    }
}
