namespace Threshold.Core;

/// <summary>Bound from the "Threshold" section.</summary>
public class ThresholdOptions
{
    /// <summary>The origin in every link we send. Never taken from a request's Host header.</summary>
    public string PublicOrigin { get; set; } = "http://localhost:5000";
    /// <summary>The name people know the service by, in messages and page titles.</summary>
    public string ServiceName { get; set; } = "Threshold";
    /// <summary>How long a verification link in the welcome email works.</summary>
    public TimeSpan VerificationLinkLifetime { get; set; } = TimeSpan.FromHours(24);

    public Uri Link(string pathAndQuery) => new(new Uri(PublicOrigin.TrimEnd('/') + "/"), pathAndQuery.TrimStart('/'));
}
