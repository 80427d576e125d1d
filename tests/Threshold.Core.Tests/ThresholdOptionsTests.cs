namespace Threshold.Core.Tests;

public class ThresholdOptionsTests
{
    [Theory]
    [InlineData("https://login.example.com", "/verify?t=1", "https://login.example.com/verify?t=1")]
    [InlineData("https://login.example.com/", "verify?t=1", "https://login.example.com/verify?t=1")]
    [InlineData("https://example.com/auth", "/verify", "https://example.com/auth/verify")]
    [InlineData("https://example.com/auth/", "verify", "https://example.com/auth/verify")]
    public void Link_joins_origin_and_path(string origin, string path, string expected) =>
        Assert.Equal(expected, new ThresholdOptions { PublicOrigin = origin }.Link(path).AbsoluteUri);

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("///evil.example/x")]
    public void Link_with_a_protocol_relative_path_stays_on_the_public_origin(string path)
    {
        var link = new ThresholdOptions { PublicOrigin = "https://login.example.com" }.Link(path);
        Assert.Equal("login.example.com", link.Host);
    }
}
