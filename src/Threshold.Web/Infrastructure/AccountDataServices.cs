using Threshold.Core.Accounts.Data;
using Threshold.Store;

namespace Threshold.Web.Infrastructure;

/// <summary>"Your data": the export and the deletion of an account, and the store behind them.</summary>
public static class AccountDataServices
{
    public static void AddAccountData(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IAccountDataStore, EfAccountDataStore>();
        builder.Services.AddScoped<AccountDataExport>();
        builder.Services.AddScoped<AccountDeletion>();
    }
}
