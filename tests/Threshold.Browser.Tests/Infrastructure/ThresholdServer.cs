using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Messaging;
using Threshold.Store;

namespace Threshold.Browser.Tests.Infrastructure;

/// <summary>
/// The real app on a real Kestrel port, shared by every test in the assembly: a throw-away
/// SQLite file, Development, no SMTP (mail stays in the outbox), cheap Argon2 for speed.
/// The port is chosen up front so <c>Threshold:PublicOrigin</c> (the origin of the links we
/// mail) is the very origin the browser uses. WebAuthn needs <c>localhost</c>, not 127.0.0.1.
/// </summary>
public partial class ThresholdServer : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>
    /// Many hosts run at once; file watchers that use inotify would exhaust the kernel's
    /// per-user limit (128), so they poll (scripts/test.sh sets the same for every run).
    /// </summary>
    static ThresholdServer()
    {
        Environment.SetEnvironmentVariable("DOTNET_USE_POLLING_FILE_WATCHER", "1");
        Environment.SetEnvironmentVariable("DOTNET_hostBuilder__reloadConfigOnChange", "false");
    }

    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("threshold-browser-");

    public ThresholdServer()
    {
        Port = FreeLoopbackPort();
        UseKestrel(kestrel => kestrel.ListenLocalhost(Port));
    }

    public int Port { get; }
    public string Origin => $"http://localhost:{Port}";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("ConnectionStrings:Threshold", $"Data Source={Path.Combine(_folder.FullName, "threshold.db")}");
        builder.UseSetting("Database:Provider", "Sqlite");
        builder.UseSetting("Threshold:PublicOrigin", Origin);
        builder.UseSetting("Mail:Smtp:Host", "");
        builder.UseSetting("Passwords:Argon2:MemoryKiB", "1024");
        builder.UseSetting("Passwords:Argon2:Iterations", "1");
        // Every browser test comes from loopback: one network, one shared budget of "Can't sign in?" requests.
        builder.UseSetting("Support:RequestsPerHour", "100");
        ConfigureServer(builder);
    }

    /// <summary>A derived server's own settings and services, applied after (and so over) the ones above.</summary>
    protected virtual void ConfigureServer(IWebHostBuilder builder) { }

    public ValueTask InitializeAsync()
    {
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        if (!addresses.Any(a => new Uri(a).Port == Port))
            throw new InvalidOperationException($"Kestrel is not listening on port {Port}; it reports: {string.Join(", ", addresses)}");
        using var scope = Services.CreateScope();
        var database = scope.ServiceProvider.GetRequiredService<ThresholdDbContext>().Database.GetConnectionString() ?? "";
        if (!database.Contains(_folder.FullName, StringComparison.Ordinal))
            throw new InvalidOperationException($"The server uses the database '{database}', not the test's own file.");
        return ValueTask.CompletedTask;
    }

    /// <summary>The verification link of the newest welcome email to <paramref name="email"/>, read from the outbox.</summary>
    public async Task<string> VerificationLinkAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var outbox = scope.ServiceProvider.GetRequiredService<IOutboxStore>();
        var messages = await outbox.RecentAsync(500);
        var welcome = messages
            .Where(m => m.Template == "welcome" && string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(m => m.CreatedAt)
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"No welcome email to {email} in the outbox ({messages.Count} messages).");
        var link = VerificationLink().Match(welcome.TextBody);
        if (!link.Success)
            throw new InvalidOperationException($"The welcome email to {email} has no verification link:\n{welcome.TextBody}");
        if (!link.Value.StartsWith(Origin + "/", StringComparison.Ordinal))
            throw new InvalidOperationException($"The verification link {link.Value} is not on the public origin {Origin}.");
        return link.Value;
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { _folder.Delete(recursive: true); }
        catch (IOException) { /* a file still held open; the temp folder is reclaimed by the OS */ }
    }

    private static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try { return ((IPEndPoint)listener.LocalEndpoint).Port; }
        finally { listener.Stop(); }
    }

    [GeneratedRegex(@"https?://[^\s""<>]+/verify-email\?token=[^\s""<>]+")]
    private static partial Regex VerificationLink();
}
