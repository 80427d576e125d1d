using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Factors;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Sessions;

namespace Threshold.Store;

public static class StoreServices
{
    /// <summary>Registers the context and the Core stores; <paramref name="provider"/> picks the database.</summary>
    public static IServiceCollection AddThresholdStore(this IServiceCollection services, Action<DbContextOptionsBuilder> provider)
    {
        services.AddDbContext<ThresholdDbContext>(provider);
        services.AddScoped<IAccountStore, EfAccountStore>();
        services.AddScoped<ISessionStore, EfSessionStore>();
        services.AddScoped<IOutboxStore, EfOutboxStore>();
        services.AddScoped<ISecurityEventLog, EfSecurityEventLog>();
        services.AddScoped<IRecoveryStore, EfRecoveryStore>();
        services.AddScoped<IFactorStore, EfFactorStore>();
        services.AddScoped<IPendingSignInStore, EfPendingSignInStore>();
        services.AddScoped<Threshold.Core.Defense.IThrottleStore, EfThrottleStore>();
        services.AddScoped<Threshold.Core.Support.IAgentAuditLog, EfAgentAuditLog>();
        services.AddScoped<Threshold.Core.Support.IAgentDirectory, EfAgentDirectory>();
        services.AddScoped<Threshold.Core.Support.ISupportRequestStore, EfSupportRequestStore>();
        return services;
    }
}
