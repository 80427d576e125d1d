using Microsoft.AspNetCore.RateLimiting;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// Per-network limit on the recovery forms that send messages (forgot username, and
/// later forgot password): a network is an IPv4 address or an IPv6 /64. Only POSTs
/// count. In-memory per instance, like the other limits in DefenseServices.
/// </summary>
public static class RecoveryRateLimit
{
    public const string Policy = "recovery";
    public const int PermitsPerWindow = 10;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    public static IServiceCollection AddRecoveryRateLimit(this IServiceCollection services) =>
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(Policy, context => DefenseServices.PerNetwork(context, PermitsPerWindow, Window));
        });
}
