using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Threshold.Store;
using static Threshold.Web.Tests.Infrastructure.RecoveryPages;

namespace Threshold.Web.Tests;

/// <summary>
/// The reset journey on PostgreSQL, the scale-out database (THRESHOLD_TEST_POSTGRES, set by
/// scripts/test.sh): a fresh database per test, dropped afterwards. PostgreSQL enforces column
/// lengths and runs the single-use update under real concurrency, which SQLite does not.
/// </summary>
public sealed class PasswordResetPostgresTests : IAsyncLifetime
{
    private FakeTimeProvider _clock = null!;
    private ThresholdFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        var server = Environment.GetEnvironmentVariable("THRESHOLD_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
            throw new InvalidOperationException("THRESHOLD_TEST_POSTGRES is not set: run the tests with scripts/test.sh, which starts PostgreSQL and sets it.");
        var database = new NpgsqlConnectionStringBuilder(server) { Database = $"threshold_web_reset_{Guid.NewGuid():N}" }.ConnectionString;
        _clock = new FakeTimeProvider(Start);
        _app = NewApp(_clock, new Dictionary<string, string?> { ["Database:Provider"] = "Postgres", ["ConnectionStrings:Threshold"] = database });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await using var scope = _app.Services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<ThresholdDbContext>().Database.EnsureDeletedAsync();
        }
        finally
        {
            await _app.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
        }
    }

    [Fact]
    public async Task The_email_reset_works_on_PostgreSQL()
    {
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", await _app.QueryAsync(db => Task.FromResult(db.Database.ProviderName)));
        var user = await _app.RegisterAsync(NewUser());
        using var other = _app.NewBrowser();
        (await other.SignInAsync(user.Username, user.Password)).AssertRedirectsTo("/account");
        using var browser = _app.NewBrowser();
        Assert.Equal(HttpStatusCode.OK, (await browser.RequestResetAsync(user.Email)).StatusCode);
        var link = await _app.ResetLinkAsync(user.Email);

        var next = "Postgres harbour reset " + Guid.NewGuid().ToString("N")[..6];
        (await browser.ResetWithLinkAsync(link, next)).AssertRedirectsTo("/signin?reset=done");
        Assert.Equal(HttpStatusCode.Gone, (await browser.PostResetAsync(Mail.TokenOf(link), next + "!")).Status);
        Assert.True(await _app.SignsInAsync(user.Username, next));
        Assert.Equal(HttpStatusCode.Found, (await other.Http.GetAsync("/account", Ct)).StatusCode);
    }

    [Theory]
    [InlineData(300)]
    [InlineData(2000)]
    public async Task A_very_long_identifier_is_answered_without_a_fault_on_PostgreSQL(int length)
    {
        using var browser = _app.NewBrowser();
        var identifier = new string('a', length - "@example.com".Length) + "@example.com";

        var response = await browser.RequestResetAsync(identifier);

        var text = Page.Normalize(await response.Content.ReadAsStringAsync(Ct));
        Assert.True((int)response.StatusCode is 200 or 400, $"A {length}-character identifier answered {(int)response.StatusCode}: {text[..Math.Min(300, text.Length)]}");
    }
}
