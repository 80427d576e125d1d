using Threshold.Core.Flows.Recovery;

namespace Threshold.Core.Tests;

/// <summary>The rules behind "Forgot password?" that need no store: masked destinations and the allowed settings.</summary>
public class RecoveryRulesTests
{
    [Theory]
    [InlineData("jane@example.com", "j•••@example.com")]
    [InlineData("j@example.com", "j•••@example.com")]
    [InlineData("Jane.Doe+tag@mail.example.org", "J•••@mail.example.org")]
    [InlineData("a@b@example.com", "a•••@example.com")]
    public void An_email_address_shows_its_first_letter_and_its_domain(string email, string masked) =>
        Assert.Equal(masked, Masking.Email(email));

    [Theory]
    [InlineData("@example.com")]
    [InlineData("no-at-sign")]
    public void Something_that_is_not_an_address_shows_nothing(string email) => Assert.Equal("•••", Masking.Email(email));

    [Theory]
    [InlineData("+442079460123", "+44 •••• ••• 123")]
    [InlineData("+12025550100", "+12 •••• ••• 100")]
    [InlineData("+1234", "•••")]
    public void A_phone_number_shows_its_first_three_and_last_three_characters(string e164, string masked) =>
        Assert.Equal(masked, Masking.Phone(e164));

    [Fact]
    public void A_masked_phone_number_hides_at_least_half_of_its_digits()
    {
        const string phone = "+442079460123";
        var masked = Masking.Phone(phone);
        Assert.True(masked.Count(char.IsAsciiDigit) * 2 <= phone.Count(char.IsAsciiDigit), masked);
        Assert.DoesNotContain("7946", masked);
    }

    [Fact]
    public void The_defaults_are_valid_and_match_the_documentation()
    {
        var options = new RecoveryOptions();
        Assert.True(options.IsValid(out var problem), problem);
        Assert.Equal(TimeSpan.FromMinutes(30), options.LinkLifetime);
        Assert.Equal(TimeSpan.FromMinutes(10), options.CodeLifetime);
        Assert.Equal(6, options.CodeLength);
        Assert.Equal(5, options.MaxCodeAttempts);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ResendCooldown);
        Assert.Equal(5, options.MaxPerHour);
    }

    [Theory]
    [InlineData(15 * 60, true)]
    [InlineData(60 * 60, true)]
    [InlineData(15 * 60 - 1, false)]
    [InlineData(60 * 60 + 1, false)]
    [InlineData(0, false)]
    [InlineData(-60, false)]
    public void A_link_lifetime_must_be_between_15_and_60_minutes(int seconds, bool valid)
    {
        var options = new RecoveryOptions { LinkLifetime = TimeSpan.FromSeconds(seconds) };
        Assert.Equal(valid, options.IsValid(out var problem));
        if (!valid) Assert.Contains("LinkLifetime", problem);
    }

    [Theory]
    [InlineData(600, 6, 5, true)]
    [InlineData(60, 8, 1, true)]
    [InlineData(601, 6, 5, false)]   // codes: at most 10 minutes (ASVS 6.5.5)
    [InlineData(0, 6, 5, false)]
    [InlineData(600, 5, 5, false)]   // 6 to 8 digits
    [InlineData(600, 9, 5, false)]
    [InlineData(600, 6, 0, false)]
    public void Code_settings_are_checked(int codeSeconds, int codeLength, int maxAttempts, bool valid)
    {
        var options = new RecoveryOptions { CodeLifetime = TimeSpan.FromSeconds(codeSeconds), CodeLength = codeLength, MaxCodeAttempts = maxAttempts };
        Assert.Equal(valid, options.IsValid(out var problem));
        Assert.Equal(valid, problem.Length == 0);
    }
}
