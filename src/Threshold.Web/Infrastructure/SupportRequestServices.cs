using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Threshold.Core.Support;
using Threshold.Core.Support.Requests;

namespace Threshold.Web.Infrastructure;

/// <summary>Registrations for "Can't sign in?" requests (/help/cant-sign-in).</summary>
public static class SupportRequestServices
{
    /// <summary>
    /// <c>Support:RequestsPerHour</c> POSTs per network (IPv4 address or IPv6 /64) an hour, counted
    /// whether or not the form was accepted: the queue is read by people, so a flood costs their time.
    /// </summary>
    public const string RateLimitPolicy = "support-requests";

    public static IServiceCollection AddSupportRequests(this IServiceCollection services)
    {
        services.AddScoped<CantSignInRequests>();
        // The answer page reads the request number from TempData (a data-protected cookie): named and
        // secured like the app's other cookies, __Host- over HTTPS.
        services.AddOptions<CookieTempDataProviderOptions>().Configure<IConfiguration>((o, config) =>
        {
            o.Cookie.Name = ThresholdServices.CookieName(config, "TempData");
            o.Cookie.Path = "/";
            o.Cookie.SecurePolicy = o.Cookie.Name.StartsWith("__Host-", StringComparison.Ordinal) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
        });
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(RateLimitPolicy, context => DefenseServices.PerNetwork(context,
                context.RequestServices.GetRequiredService<IOptions<SupportOptions>>().Value.RequestsPerHour, TimeSpan.FromHours(1)));
        });
        return services;
    }
}
