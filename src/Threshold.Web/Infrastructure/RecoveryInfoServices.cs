using Threshold.Core.Accounts.RecoveryInfo;

namespace Threshold.Web.Infrastructure;

public static class RecoveryInfoServices
{
    /// <summary>Recovery email, recovery phone and the text-message alerts preference.</summary>
    public static IServiceCollection AddRecoveryInfo(this IServiceCollection services)
    {
        services.AddScoped<RecoveryEmailChange>();
        services.AddScoped<RecoveryPhoneChange>();
        services.AddScoped<SecurityAlertsBySms>();
        return services;
    }
}
