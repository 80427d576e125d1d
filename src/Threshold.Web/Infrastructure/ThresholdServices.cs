using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Threshold.Core;
using Threshold.Core.Accounts;
using Threshold.Core.Flows.PasswordChange;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Flows.Registration;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Flows.StepUp;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Passkeys;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Flows.Verification;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Core.Sessions;
using Threshold.Store;
using Threshold.Store.Postgres;
using Threshold.Store.Sqlite;

namespace Threshold.Web.Infrastructure;

public static class ThresholdServices
{
    public static void AddThreshold(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var config = builder.Configuration;

        services.AddOptions<ThresholdOptions>().Bind(config.GetSection("Threshold"))
            .Validate(o => Uri.TryCreate(o.PublicOrigin, UriKind.Absolute, out var u) && u.Scheme is "http" or "https",
                "Threshold:PublicOrigin must be an absolute http(s) origin.")
            .ValidateOnStart();
        services.AddOptions<PasswordSettings>().Bind(config.GetSection("Passwords"))
            .Validate(o => o.MinLength >= 8 && o.MaxLength >= 64 && o.MaxLength >= o.MinLength,
                "Passwords: MinLength must be at least 8 and MaxLength at least 64 (ASVS 6.2.1, 6.2.9).")
            .ValidateOnStart();
        services.AddOptions<Threshold.Core.Sessions.SessionOptions>().Bind(config.GetSection("Sessions"));
        services.AddOptions<MailOptions>().Bind(config.GetSection("Mail"));

        services.AddSingleton(TimeProvider.System);
        AddDatabase(builder);
        AddCore(services);
        builder.AddDefense();
        services.AddOptions<SmsWebhookOptions>().Bind(config.GetSection("Sms:Webhook"));
        services.AddOptions<RecoveryOptions>().Bind(config.GetSection("Recovery"))
            .Validate(o => o.IsValid(out _), "Recovery settings are out of range: LinkLifetime 15–60 minutes, CodeLifetime up to 10 minutes, CodeLength 6–8.")
            .ValidateOnStart();
        AddTransports(services, config);
        services.AddOptions<TwoFactorOptions>().Bind(config.GetSection("TwoFactor"))
            .Validate(o => o.IsValid(), "TwoFactor settings are out of range: CodeLifetime up to 10 minutes, MaxCodeAttempts 1–10, RememberDeviceFor up to 90 days, ReauthenticationWindow up to 30 minutes, BackupCodeCount 5–20.")
            .ValidateOnStart();
        AddPasskeys(services);

        services.AddDataProtection().SetApplicationName("Threshold").PersistKeysToDbContext<ThresholdDbContext>();
        AddAuthentication(services, config);
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = CookieName(config, "Antiforgery");
            o.Cookie.SecurePolicy = IsHttps(config) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.FormFieldName = "__RequestVerificationToken";
            o.HeaderName = "RequestVerificationToken";
        });
        // The resx sits beside SharedResource.cs, so it is named after the class (no ResourcesPath).
        services.AddLocalization();
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/Account");
        }).AddViewLocalization();
        services.AddRecoveryRateLimit();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database");
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
        });
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = 1024 * 1024;
            // A 10 KB search in the console's URL escapes to up to 30 KB; the app, not Kestrel's bare 414, should answer it.
            k.Limits.MaxRequestLineSize = 48 * 1024;
        });
    }

    /// <summary>Messages leave the outbox only through configured transports; otherwise they wait there.</summary>
    private static void AddTransports(IServiceCollection services, IConfiguration config)
    {
        var any = false;
        if (config["Mail:Smtp:Host"] is { Length: > 0 })
        {
            services.AddSingleton<IMessageTransport, SmtpEmailTransport>();
            any = true;
        }
        if (config["Sms:Webhook:Url"] is { Length: > 0 })
        {
            services.AddHttpClient<WebhookSmsTransport>(c => c.Timeout = TimeSpan.FromSeconds(15));
            services.AddTransient<IMessageTransport>(sp => sp.GetRequiredService<WebhookSmsTransport>());
            any = true;
        }
        if (any) services.AddHostedService<OutboxSender>();
    }

    private static void AddCore(IServiceCollection services)
    {
        services.AddSingleton(sp => new CommonPasswords(sp.GetRequiredService<IOptions<PasswordSettings>>().Value.CommonPasswordCount));
        services.AddSingleton<PasswordPolicy>();
        services.AddSingleton<IPasswordHasher<Account>, Argon2idPasswordHasher>();
        services.AddSingleton<DummyPasswordHash>();
        services.AddSingleton<FailedPasswordDiagnosis>();
        services.AddSingleton<MessageComposer>();
        services.AddSingleton<OutboxSignal>();
        services.AddScoped<SessionManager>();
        services.AddScoped<PasswordReuse>();
        services.AddScoped<PasswordSignIn>();
        services.AddScoped<Registration>();
        services.AddScoped<EmailVerificationFlow>();
        services.AddScoped<PasswordChange>();
        services.AddScoped<UsernameReminder>();
        services.AddScoped<PasswordReset>();
        services.AddScoped<TwoFactorMethods>();
        services.AddScoped<FactorChanges>();
        services.AddScoped<AuthenticatorApp>();
        services.AddScoped<OutOfBandCodes>();
        services.AddScoped<CodeChannels>();
        services.AddScoped<BackupCodeSet>();
        services.AddScoped<PasskeyChanges>();
        services.AddScoped<SecondStep>();
        services.AddScoped<Reauthentication>();
        services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
        services.AddSingleton<TwoFactorCookies>();
    }

    /// <summary>
    /// WebAuthn through .NET 10 Identity's passkey handler. Identity's UserManager is used
    /// only to read passkeys (the handler needs it); accounts are written by our own stores.
    /// The relying party is Threshold:PublicOrigin, never the request's Host header.
    /// </summary>
    private static void AddPasskeys(IServiceCollection services)
    {
        services.AddIdentityCore<Account>().AddEntityFrameworkStores<ThresholdDbContext>();
        services.AddOptions<IdentityPasskeyOptions>().Configure<IOptions<ThresholdOptions>>((o, threshold) =>
        {
            var origin = new Uri(threshold.Value.PublicOrigin);
            o.ServerDomain = origin.Host;
            var expected = origin.GetLeftPart(UriPartial.Authority);
            o.ValidateOrigin = context => ValueTask.FromResult(!context.CrossOrigin && string.Equals(context.Origin, expected, StringComparison.Ordinal));
        });
        services.AddScoped<PasskeyCeremonies>();
    }

    private static void AddDatabase(WebApplicationBuilder builder)
    {
        var provider = builder.Configuration["Database:Provider"] ?? "Sqlite";
        var connectionString = builder.Configuration.GetConnectionString("Threshold");
        if (provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
                throw new InvalidOperationException("Database:Provider is Postgres but ConnectionStrings:Threshold is not set.");
            builder.Services.AddThresholdStore(o => PostgresProvider.Use(o, connectionString));
        }
        else if (provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                var folder = Path.Combine(builder.Environment.ContentRootPath, "App_Data");
                Directory.CreateDirectory(folder);
                connectionString = $"Data Source={Path.Combine(folder, "threshold.db")}";
            }
            builder.Services.AddThresholdStore(o => SqliteProvider.Use(o, connectionString));
        }
        else
        {
            throw new InvalidOperationException($"Database:Provider '{provider}' is not known; use Sqlite or Postgres.");
        }
    }

    private static void AddAuthentication(IServiceCollection services, IConfiguration config)
    {
        services.AddAuthentication(SessionCookie.Scheme).AddCookie(SessionCookie.Scheme, o =>
        {
            o.Cookie.Name = CookieName(config, "Session");
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = IsHttps(config) ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;
            o.Cookie.Path = "/";
            o.LoginPath = "/signin";
            o.LogoutPath = "/signout";
            o.AccessDeniedPath = "/signin";
            o.ReturnUrlParameter = "returnUrl";
            // The server-side session decides the lifetime; the cookie only outlives it harmlessly.
            o.ExpireTimeSpan = TimeSpan.FromDays(30);
            o.SlidingExpiration = false;
            o.Events.OnValidatePrincipal = SessionCookie.ValidateAsync;
            // Sign-in happens on LoginPath, where the handler would redirect to the raw returnUrl
            // itself; the page redirects instead, to the checked and encoded one.
            o.Events.OnRedirectToReturnUrl = _ => Task.CompletedTask;
        });
        services.AddAuthorization();
    }

    private static bool IsHttps(IConfiguration config) =>
        Uri.TryCreate(config["Threshold:PublicOrigin"], UriKind.Absolute, out var origin) && origin.Scheme == Uri.UriSchemeHttps;

    /// <summary>__Host- cookies (Secure, path /, no domain) whenever we are served over HTTPS.</summary>
    public static string CookieName(IConfiguration config, string purpose) =>
        (IsHttps(config) ? "__Host-" : "") + "Threshold." + purpose;

    public static async Task MigrateDatabaseAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ThresholdDbContext>();
        await db.Database.MigrateAsync();
        if (db.Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
        // Hash the dummy password now so the first unknown-account sign-in is not faster than the rest.
        _ = scope.ServiceProvider.GetRequiredService<DummyPasswordHash>().Hash;
    }
}

public sealed class DatabaseHealthCheck(ThresholdDbContext db) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        await db.Database.CanConnectAsync(ct) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("The database cannot be reached.");
}
