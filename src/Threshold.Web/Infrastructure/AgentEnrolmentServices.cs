using Threshold.Core.Support.Agents;

namespace Threshold.Web.Infrastructure;

/// <summary>Registrations for agents add/list/remove and the enrolment link.</summary>
public static class AgentEnrolmentServices
{
    public static IServiceCollection AddAgentEnrolment(this IServiceCollection services)
    {
        services.AddScoped<AgentRoster>();
        services.AddScoped<AgentEnrolment>();
        return services;
    }
}
