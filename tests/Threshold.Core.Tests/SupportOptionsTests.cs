using Threshold.Core.Support;

namespace Threshold.Core.Tests;

/// <summary>The support settings an operator may change, and the ranges that keep the safeguards meaningful.</summary>
public class SupportOptionsTests
{
    [Fact]
    public void The_defaults_are_valid_and_the_two_step_reset_waits_a_day()
    {
        var defaults = new SupportOptions();
        Assert.True(defaults.IsValid());
        Assert.Equal(TimeSpan.FromHours(24), defaults.FactorResetDelay);
    }

    [Theory]
    [InlineData("FactorResetDelay", "00:10:00")]
    [InlineData("FactorResetDelay", "15.00:00:00")]
    [InlineData("VerificationCodeLifetime", "00:00:00")]
    [InlineData("VerificationCodeLifetime", "01:00:00")]
    [InlineData("VerifiedFor", "03:00:00")]
    [InlineData("EnrolmentLinkLifetime", "8.00:00:00")]
    public void Out_of_range_durations_are_refused(string setting, string value)
    {
        var options = new SupportOptions();
        typeof(SupportOptions).GetProperty(setting)!.SetValue(options, TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.False(options.IsValid());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Out_of_range_request_limits_are_refused(int perHour) =>
        Assert.False(new SupportOptions { RequestsPerHour = perHour }.IsValid());
}
