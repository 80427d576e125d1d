using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Threshold.Core.Support.Actions;
using Threshold.Core.Support.Verification;
using Threshold.Store;

namespace Threshold.Web.Infrastructure;

/// <summary>Registrations for identity checks, agent actions and the delayed two-step reset.</summary>
public static class AgentActionServices
{
    public static IServiceCollection AddAgentActions(this IServiceCollection services)
    {
        services.AddSingleton<IAgentFormProtector, DataProtectionAgentFormProtector>();
        services.AddSingleton<AgentFormTokens>();
        services.AddScoped<IAgentActionStore, EfAgentActionStore>();
        services.AddScoped<IFactorResetStore, EfFactorResetStore>();
        services.AddScoped<AgentGate>();
        services.AddScoped<IdentityCheck>();
        services.AddScoped<AgentActions>();
        services.AddScoped<ActSubjects>();
        services.AddScoped<FactorResetNotices>();
        services.AddScoped<FactorResets>();
        services.AddSingleton<FactorResetCompletion>();
        services.AddHostedService(sp => sp.GetRequiredService<FactorResetCompletion>());
        // Every console POST that fails antiforgery is audited (the handler never runs then).
        services.AddScoped<ForgedFormAudit>();
        services.Configure<RazorPagesOptions>(o => o.Conventions.AddFolderApplicationModelConvention("/Support",
            model => model.Filters.Add(new ServiceFilterAttribute(typeof(ForgedFormAudit)))));
        return services;
    }
}
