using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Sessions;

namespace Threshold.Web.Infrastructure;

/// <summary>The account security center's services: where addresses are, and what devices are called.</summary>
public static class ActivityServices
{
    public static void AddActivity(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GeoOptions>().Bind(builder.Configuration.GetSection("Geo"));
        builder.Services.AddSingleton<IGeoLocator, MmdbGeoLocator>();
        builder.Services.AddScoped<LoginHistory>();
        builder.Services.AddScoped<ActiveSessions>();
    }

    /// <summary>Opens the location database at start, so a missing or broken file is reported then, not at the first sign-in.</summary>
    public static void OpenLocationDatabase(this WebApplication app) => app.Services.GetRequiredService<IGeoLocator>();
}
