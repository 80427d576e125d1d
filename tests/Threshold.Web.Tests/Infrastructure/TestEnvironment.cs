namespace Threshold.Web.Tests.Infrastructure;

public static class TestEnvironment
{
    /// <summary>The running test's cancellation token (xunit v3).</summary>
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The origin the tests configure as Threshold:PublicOrigin (also the test server's address).</summary>
    public const string PublicOrigin = "http://localhost";
}
