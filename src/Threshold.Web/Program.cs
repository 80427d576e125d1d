using Threshold.Web.Endpoints;
using Threshold.Web.Infrastructure;

var builder = WebApplication.CreateBuilder(args);
builder.AddThreshold();
builder.Services.AddRecoveryInfo();
builder.AddActivity();
builder.AddAccountData();
builder.Services.AddSecurityNotices();
builder.AddSupport();
// Request-start lines carry full URLs, and a verification link's URL is a secret:
// keep that category quiet whatever the configured level.
builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);

var app = builder.Build();
await app.MigrateDatabaseAsync();
if (AgentCommands.Handles(args))
{
    Environment.ExitCode = await AgentCommands.RunAsync(app.Services, args, Console.Out);
    return;
}
app.OpenLocationDatabase();

app.UseForwardedHeaders();
app.UseSecurityHeaders();
app.UseExceptionHandler("/error");
app.UseStatusCodePagesWithReExecute("/error/{0}");
app.UseRequestLocalization("en");
app.UseStaticFiles();
app.UseRouting();
app.UseAuthentication();
app.UseAuthorization();
app.UseTwoFactorEnrolmentGate();
app.UseRateLimiter();

app.MapRazorPages();
app.MapHealthChecks("/healthz");
app.MapPasskeyEndpoints();
// W3C "A Well-Known URL for Changing Passwords": straight to the form (signed out, via /signin and back).
app.MapGet("/.well-known/change-password", () => Results.Redirect("/account/security#password"));

app.Run();

/// <summary>Visible to WebApplicationFactory in the tests.</summary>
public partial class Program;
