using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.RateLimiting;
using Threshold.Core.Defense;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// Wiring of the attack-resistance controls (docs/security/attack-resistance.md): throttles and
/// proof-of-work from Core, the device cookie, trusted proxies for the client address, and
/// per-network rate limits on registration and code sends.
/// </summary>
public static class DefenseServices
{
    public const string RegistrationPolicy = "registration";
    /// <summary>For every page that sends a code or link on request (email confirmation, second-factor codes).</summary>
    public const string CodeSendPolicy = "code-send";
    /// <summary>Sign-in POSTs per device cookie, or per network without one: a flood is turned away before any page work.</summary>
    public const string SignInPolicy = "signin";

    public static void AddDefense(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;
        services.AddOptions<ThrottleOptions>().Bind(config.GetSection("Throttle"))
            .Validate(o => o.IsValid(), "Throttle settings are out of range: 1 ≤ ChallengeAfter ≤ PauseAfter ≤ MaxConsecutiveFailures ≤ 100, FirstPause ≤ MaxPause, positive durations.")
            .ValidateOnStart();
        services.AddOptions<ProofOfWorkOptions>().Bind(config.GetSection("ProofOfWork"))
            .Validate(o => o.IsValid(), "ProofOfWork settings are out of range: MaxNumber 1000–50000000, HighRiskFactor 1–100, Lifetime longer than the longest NoScriptWait.")
            .ValidateOnStart();
        services.AddSingleton<ProofOfWorkKey>();
        services.AddSingleton<VerificationBudget>();
        services.AddScoped<ProofOfWork>();
        services.AddScoped<ProtectedSignIn>();
        services.AddSingleton<DeviceCookies>();

        var proxies = TrustedProxies(config);
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // ASP.NET Core trusts loopback by default; we trust exactly the configured list.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var network in proxies) o.KnownIPNetworks.Add(network);
            // Walk X-Forwarded-For from the right while each hop is a trusted proxy.
            o.ForwardLimit = null;
        });
        // With both lists empty the middleware would trust every sender; with no trusted proxy, read no forwarded header at all.
        services.PostConfigure<ForwardedHeadersOptions>(o =>
        {
            if (proxies.Count == 0) o.ForwardedHeaders = ForwardedHeaders.None;
        });

        var registrations = config.GetValue("RateLimits:RegistrationsPerHour", 20);
        var codeSends = config.GetValue("RateLimits:CodeSendsPerHour", 20);
        var signIns = config.GetValue("RateLimits:SignInsPerMinute", 30);
        services.AddRateLimiter(o =>
        {
            o.AddPolicy(RegistrationPolicy, context => PerNetwork(context, registrations, TimeSpan.FromHours(1)));
            o.AddPolicy(CodeSendPolicy, context => PerNetwork(context, codeSends, TimeSpan.FromHours(1)));
            // Only a device that signed in before gets a budget of its own: since the sign-in page gives every
            // browser a device id, an unproven one would otherwise let each fresh cookie escape the network's limit.
            o.AddPolicy(SignInPolicy, context =>
                context.RequestServices.GetRequiredService<DeviceCookies>().Read(context) is { Accounts.Count: > 0 } device && !HttpMethods.IsGet(context.Request.Method)
                    ? RateLimitPartition.GetFixedWindowLimiter("device:" + device.DeviceId, _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = signIns, Window = TimeSpan.FromMinutes(1), QueueLimit = 0,
                    })
                    : PerNetwork(context, signIns, TimeSpan.FromMinutes(1)));
            o.OnRejected = (context, _) =>
            {
                if (context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait))
                    context.HttpContext.Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return ValueTask.CompletedTask;
            };
        });
    }

    /// <summary><c>Network:TrustedProxies</c>: addresses or CIDR ranges; anything else stops the start.</summary>
    public static IReadOnlyList<System.Net.IPNetwork> TrustedProxies(IConfiguration config)
    {
        var result = new List<System.Net.IPNetwork>();
        foreach (var entry in config.GetSection("Network:TrustedProxies").Get<string[]>() ?? [])
        {
            var text = entry.Trim();
            if (text.Length == 0) continue;
            if (System.Net.IPNetwork.TryParse(text, out var network)) result.Add(network);
            else if (IPAddress.TryParse(text, out var address))
                result.Add(new System.Net.IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            else throw new InvalidOperationException($"Network:TrustedProxies: \"{text}\" is not an IP address or CIDR range.");
        }
        return result;
    }

    /// <summary>POSTs limited per network (IPv4 address or IPv6 /64, <see cref="NetworkKey"/>); reads are free.</summary>
    internal static RateLimitPartition<string> PerNetwork(HttpContext context, int permits, TimeSpan window) =>
        HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)
            ? RateLimitPartition.GetNoLimiter("reads")
            : RateLimitPartition.GetFixedWindowLimiter(NetworkKey.Of(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window,
                QueueLimit = 0,
            });
}
