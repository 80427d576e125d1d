using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>Page objects for /account/security and /recover/username.</summary>
public static class AccountPages
{
    /// <summary>Fills "Current password" and "New password" on /account/security and presses "Change password".</summary>
    public static async Task<Page> ChangePasswordAsync(this Browser browser, string? current, string? next)
    {
        var page = await browser.GetAsync("/account/security");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var form = page.Form("Change password");
        if (current is not null) form.Fill("Current password", current);
        if (next is not null) form.Fill("New password", next);
        return await form.SubmitAndLoadAsync();
    }

    /// <summary>Fills "Email or phone number" on /recover/username and presses "Send my username".</summary>
    public static async Task<Page> ForgotUsernameAsync(this Browser browser, string contact)
    {
        var page = await browser.GetAsync("/recover/username");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.Form("Send my username").Fill("Email or phone number", contact).SubmitAndLoadAsync();
    }

    /// <summary>The text of the field error linked to <paramref name="label"/>'s control, or null.</summary>
    public static string? FieldError(this Page page, string label) =>
        page.DescriptionsOf(label).FirstOrDefault(e => e.ClassList.Contains("field-error")) is { } e ? Page.Normalize(e.TextContent) : null;

    /// <summary>Flips the case of every letter, as typing with Caps Lock on does.</summary>
    public static string InvertCase(string text) =>
        string.Concat(text.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.IsLower(c) ? char.ToUpperInvariant(c) : c));

    public static string FlipFirstLetter(string text) =>
        (char.IsUpper(text[0]) ? char.ToLowerInvariant(text[0]) : char.ToUpperInvariant(text[0])) + text[1..];
}

/// <summary>
/// The test server has no client address; this gives each test browser one (per-network
/// rate limits, the event log's IP). Installed through <see cref="ThresholdFactory.TestServices"/>.
/// </summary>
public static class ClientAddress
{
    public const string Header = "X-Test-Client-Address";
    private static int _next = Random.Shared.Next(1, 1 << 20);

    public static void Install(IServiceCollection services)
    {
        if (services.All(d => d.ImplementationType != typeof(Filter))) services.AddTransient<IStartupFilter, Filter>();
    }

    /// <summary>A fresh IPv4 address no other test uses.</summary>
    public static string NextIPv4()
    {
        var n = Interlocked.Increment(ref _next);
        return $"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}";
    }

    /// <summary>A fresh IPv6 /64 prefix ("2001:db8:x:y:") no other test uses; append ":1" or four more groups.</summary>
    public static string NextIPv6Prefix()
    {
        var n = Interlocked.Increment(ref _next);
        return $"2001:db8:{(n >> 16) & 0xffff:x}:{n & 0xffff:x}:";
    }

    /// <summary>Every request of this browser comes from <paramref name="address"/>.</summary>
    public static Browser From(this Browser browser, string address)
    {
        browser.Http.DefaultRequestHeaders.Remove(Header);
        browser.Http.DefaultRequestHeaders.Add(Header, address);
        return browser;
    }

    private sealed class Filter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, following) =>
            {
                if (context.Request.Headers.TryGetValue(Header, out var value))
                    context.Connection.RemoteIpAddress = IPAddress.TryParse(value.ToString(), out var address)
                        ? address
                        : throw new InvalidOperationException($"{Header}: \"{value}\" is not an IP address");
                return following(context);
            });
            next(app);
        };
    }
}

/// <summary>A factory whose browsers can say which address they come from (<see cref="ClientAddress"/>).</summary>
public sealed class ClientAddressFactory : ThresholdFactory
{
    public ClientAddressFactory() => TestServices = ClientAddress.Install;
}
