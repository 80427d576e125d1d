namespace Threshold.Web.Infrastructure;

/// <summary>Registrations for identity checks, agent actions and the delayed two-step reset.</summary>
public static class AgentActionServices
{
    public static IServiceCollection AddAgentActions(this IServiceCollection services) => services;
}
