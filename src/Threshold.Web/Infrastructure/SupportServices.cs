using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Threshold.Core.Support;

namespace Threshold.Web.Infrastructure;

/// <summary>The human side: "Can't sign in?" requests, agents and their console (/support).</summary>
public static class SupportServices
{
    public static void AddSupport(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SupportOptions>().Bind(builder.Configuration.GetSection("Support"))
            .Validate(o => o.IsValid(), "Support settings are out of range: FactorResetDelay 1 hour–14 days, VerificationCodeLifetime up to 30 minutes, VerifiedFor up to 2 hours, EnrolmentLinkLifetime up to 7 days, RequestsPerHour 1–100.")
            .ValidateOnStart();
        services.AddAuthorizationBuilder().AddPolicy(SupportAccess.Policy, p => p.RequireAuthenticatedUser().AddRequirements(new SupportAccess.Requirement()));
        services.AddScoped<IAuthorizationHandler, SupportAccess.Handler>();
        services.Configure<RazorPagesOptions>(o => o.Conventions.AuthorizeFolder("/Support", SupportAccess.Policy));
        services.PostConfigure<CookieAuthenticationOptions>(SessionCookie.Scheme, o => o.Events.OnRedirectToAccessDenied = SupportAccess.OnAccessDenied);

        services.AddSupportRequests();
        services.AddAgentEnrolment();
        services.AddSupportConsole();
        services.AddAgentActions();
    }
}
