using Threshold.Core.Activity;
using Threshold.Core.Activity.NotMe;
using Threshold.Core.Messaging;
using Threshold.Store;

namespace Threshold.Web.Infrastructure;

/// <summary>Security notices, the sign-in recorder that decides when to send one, and "This wasn't me".</summary>
public static class NoticeServices
{
    public static IServiceCollection AddSecurityNotices(this IServiceCollection services)
    {
        services.AddSingleton<INotMeLinkProtector, DataProtectionNotMeLinkProtector>();
        services.AddSingleton<NotMeLinks>();
        services.AddSingleton<SecurityNotices>();
        services.AddScoped<SignInRecorder>();
        services.AddScoped<INotMeStore, EfNotMeStore>();
        services.AddScoped<NotMeReport>();
        return services;
    }
}
