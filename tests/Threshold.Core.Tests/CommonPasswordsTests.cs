using Threshold.Core.Passwords;

namespace Threshold.Core.Tests;

public class CommonPasswordsTests
{
    [Fact]
    public void Loads_at_least_ten_thousand_entries()
    {
        var common = new CommonPasswords(30000);
        Assert.True(common.Count >= 10_000, $"only {common.Count} common passwords loaded");
    }

    [Fact]
    public void Honours_the_requested_count()
    {
        Assert.Equal(100, new CommonPasswords(100).Count);
    }

    [Fact]
    public void Top_ranked_passwords_are_present_even_in_a_short_list()
    {
        var common = new CommonPasswords(100);
        Assert.True(common.Contains("password"));
        Assert.True(common.Contains("123456"));
    }

    [Fact]
    public void Contains_ignores_case()
    {
        var common = new CommonPasswords(30000);
        Assert.True(common.Contains("iloveyou"));
        Assert.True(common.Contains("ILoveYou"));
    }

    [Fact]
    public void Does_not_contain_a_random_string()
    {
        var common = new CommonPasswords(30000);
        Assert.False(common.Contains("qzvmtrplkwnbdfgh"));
        Assert.False(common.Contains(""));
    }
}
