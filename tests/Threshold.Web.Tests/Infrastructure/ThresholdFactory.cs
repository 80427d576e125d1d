using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// The app with its own SQLite file in a temp folder, PublicOrigin http://localhost, the
/// Development environment and cheap Argon2 parameters unless a test asks otherwise.
/// Settings go through UseSetting so they are in place while Program.cs builds the app.
/// </summary>
public class ThresholdFactory : WebApplicationFactory<Program>
{
    /// <summary>
    /// Many hosts run at once; file watchers that use inotify would exhaust the kernel's
    /// per-user limit (128), so they poll (scripts/test.sh sets the same for every run).
    /// </summary>
    static ThresholdFactory()
    {
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "1");
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }

    public string DataFolder { get; } = Directory.CreateTempSubdirectory("threshold-web-tests-").FullName;
    public string EnvironmentName { get; init; } = "Development";
    /// <summary>Replaces the app's TimeProvider when set (expiry tests).</summary>
    public FakeTimeProvider? Clock { get; init; }
    /// <summary>Keep the configured (OWASP) Argon2id parameters instead of the fast test ones.</summary>
    public bool RealPasswordHashing { get; init; }
    public IDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();
    public Action<IServiceCollection>? TestServices { get; init; }
    /// <summary>Collects the app's log output when set.</summary>
    public LogCollector? Logs { get; init; }
    /// <summary>Configure every log category at Trace, as an operator hunting a problem might.</summary>
    public bool LogEverything { get; init; }

    public string DatabasePath => Path.Combine(DataFolder, "threshold.db");

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment(EnvironmentName);
        builder.UseSetting("ConnectionStrings:Threshold", $"Data Source={DatabasePath}");
        builder.UseSetting("Threshold:PublicOrigin", PublicOrigin);
        if (!RealPasswordHashing)
        {
            builder.UseSetting("Passwords:Argon2:MemoryKiB", "1024");
            builder.UseSetting("Passwords:Argon2:Iterations", "1");
        }
        if (LogEverything)
        {
            foreach (var category in new[] { "Default", "Microsoft", "Microsoft.AspNetCore", "Microsoft.EntityFrameworkCore", "System" })
                builder.UseSetting($"Logging:LogLevel:{category}", "Trace");
        }
        foreach (var (key, value) in Settings)
            builder.UseSetting(key, value);

        if (Logs is not null)
            builder.ConfigureLogging(logging => logging.AddProvider(Logs));

        builder.ConfigureTestServices(services =>
        {
            ClientAddress.Install(services);
            if (Clock is not null) services.AddSingleton<TimeProvider>(Clock);
            TestServices?.Invoke(services);
        });
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(DataFolder, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}

/// <summary>A factory whose app runs in Production.</summary>
public sealed class ProductionFactory : ThresholdFactory
{
    public ProductionFactory() => EnvironmentName = "Production";
}
