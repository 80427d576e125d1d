namespace Threshold.Core.Support;

/// <summary>Bound from the "Support" section: the agents' console and its safeguards.</summary>
public sealed class SupportOptions
{
    /// <summary>How long a two-step reset waits, cancellable by the customer, before it takes effect.</summary>
    public TimeSpan FactorResetDelay { get; set; } = TimeSpan.FromHours(24);
    /// <summary>How long the code an agent sends to a customer's contact can be read back.</summary>
    public TimeSpan VerificationCodeLifetime { get; set; } = TimeSpan.FromMinutes(10);
    /// <summary>How long a passed identity check lets that agent act on that account.</summary>
    public TimeSpan VerifiedFor { get; set; } = TimeSpan.FromMinutes(30);
    /// <summary>How long the enrolment link printed by <c>agents add</c> works.</summary>
    public TimeSpan EnrolmentLinkLifetime { get; set; } = TimeSpan.FromHours(24);
    /// <summary>"Can't sign in?" requests one network may open per hour.</summary>
    public int RequestsPerHour { get; set; } = 5;

    public bool IsValid() =>
        FactorResetDelay >= TimeSpan.FromHours(1) && FactorResetDelay <= TimeSpan.FromDays(14)
        && VerificationCodeLifetime > TimeSpan.Zero && VerificationCodeLifetime <= TimeSpan.FromMinutes(30)
        && VerifiedFor > TimeSpan.Zero && VerifiedFor <= TimeSpan.FromHours(2)
        && EnrolmentLinkLifetime > TimeSpan.Zero && EnrolmentLinkLifetime <= TimeSpan.FromDays(7)
        && RequestsPerHour is >= 1 and <= 100;
}
