namespace Threshold.Web.Infrastructure;

/// <summary>Registrations for the console's queue, search and customer timeline.</summary>
public static class SupportConsoleServices
{
    public static IServiceCollection AddSupportConsole(this IServiceCollection services) => services;
}
