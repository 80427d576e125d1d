namespace Threshold.Web.Infrastructure;

/// <summary>Registrations for "Can't sign in?" requests (/help/cant-sign-in).</summary>
public static class SupportRequestServices
{
    public static IServiceCollection AddSupportRequests(this IServiceCollection services) => services;
}
