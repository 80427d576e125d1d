using Threshold.Core.Support.Desk;
using Threshold.Core.Support.Search;
using Threshold.Store;

namespace Threshold.Web.Infrastructure;

/// <summary>Registrations for the console's queue, search and customer timeline.</summary>
public static class SupportConsoleServices
{
    public static IServiceCollection AddSupportConsole(this IServiceCollection services)
    {
        services.AddScoped<ICustomerSearchStore, EfCustomerSearchStore>();
        services.AddScoped<ICustomerFileStore, EfCustomerFileStore>();
        services.AddScoped<CustomerSearch>();
        services.AddScoped<CustomerFiles>();
        services.AddScoped<SecurityTimeline>();
        services.AddScoped<SupportQueue>();
        services.AddScoped<RequestClosing>();
        services.AddScoped<AuditTrail>();
        return services;
    }
}
