using System.Net;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Messaging;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>
/// Security notices and "This wasn't me": an app whose browsers can come from known places, the
/// links and texts of notices, and the /account/not-me pages.
/// </summary>
public static partial class NoticePages
{
    public const string SecureButton = "Secure my account";
    public const string Lisbon = "203.0.113.7";
    public const string Berlin = "198.51.100.7";

    /// <summary>
    /// An app whose location lookups come from <see cref="KnownPlaces"/> (the location database
    /// itself is tested with a real .mmdb elsewhere), on a fake clock near real time.
    /// </summary>
    public static ThresholdFactory NewApp(FakeTimeProvider clock) => new()
    {
        Clock = clock,
        Settings = new Dictionary<string, string?> { ["ProofOfWork:MaxNumber"] = "2000" },
        TestServices = services => services.Replace(ServiceDescriptor.Singleton<IGeoLocator, KnownPlaces>()),
    };

    /// <summary>Documentation addresses in two countries; private addresses are the local network; the rest unknown.</summary>
    public sealed class KnownPlaces : IGeoLocator
    {
        public GeoPlace? Locate(string? ipAddress) => ipAddress switch
        {
            null => null,
            _ when ipAddress.StartsWith("203.0.113.", StringComparison.Ordinal) => new GeoPlace("PT", "Lisbon"),
            _ when ipAddress.StartsWith("198.51.100.", StringComparison.Ordinal) => new GeoPlace("DE", "Berlin"),
            _ when IPAddress.TryParse(ipAddress, out var address) && LocalNetworks.Contains(address) => GeoPlace.LocalNetwork,
            _ => null,
        };
    }

    public const string ChromeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36";
    public const string FirefoxOnLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

    /// <summary>A browser with a recognisable User-Agent, from <paramref name="address"/> (or an address of its own).</summary>
    public static Browser NewBrowserAt(this ThresholdFactory app, string? address = null, string userAgent = ChromeOnWindows)
    {
        var browser = new Browser(app, userAgent);
        return address is null ? browser : browser.From(address);
    }

    // -------------------------------------------------------------------- links

    [GeneratedRegex(@"https?://\S+/account/not-me\?t=[A-Za-z0-9_\-%]+")]
    private static partial Regex NotMeLinkPattern();

    [GeneratedRegex(@"https?://[^\s""<>]+")]
    private static partial Regex AnyLink();

    public static string NotMeLinkIn(string textBody) =>
        NotMeLinkPattern().Match(textBody) is { Success: true } m ? m.Value : throw new Xunit.Sdk.XunitException("No not-me link in:\n" + textBody);

    public static string TokenOf(string notMeLink) => Uri.UnescapeDataString(notMeLink[(notMeLink.IndexOf("?t=", StringComparison.Ordinal) + 3)..]);

    /// <summary>
    /// What every security email must be: it says when (UTC) and from where, its only link is
    /// "This wasn't me" on the public origin (in text and HTML), and nothing leads to signing in.
    /// </summary>
    public static string AssertSecurityNotice(OutboxMessage notice, string? where = null, string? device = null)
    {
        Assert.Equal(MessageChannel.Email, notice.Channel);
        Assert.Matches(@"When: .+ UTC", notice.TextBody);
        if (where is not null) Assert.Contains("Where: " + where, notice.TextBody);
        if (device is not null) Assert.Contains("Device: " + device, notice.TextBody);
        Assert.Contains("If this was not you", notice.TextBody);
        var link = NotMeLinkIn(notice.TextBody);
        Assert.StartsWith(PublicOrigin + "/account/not-me?t=", link);
        Assert.Equal([link], AnyLink().Matches(notice.TextBody).Select(m => m.Value).Distinct());
        var hrefs = Regex.Matches(notice.HtmlBody!, "href=\"([^\"]*)\"").Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).Distinct();
        Assert.Equal([link], hrefs);
        foreach (var body in new[] { notice.TextBody, notice.HtmlBody! })
        {
            Assert.DoesNotContain("/signin", body);
            Assert.DoesNotContain("/recover/password/reset", body);
            Assert.DoesNotContain("token=", body);
        }
        Assert.Matches(Page.ReferencePattern(), notice.TextBody);
        return link;
    }

    // --------------------------------------------------------------------- data

    /// <summary>Gives an account a verified recovery email, as the recovery-email page will.</summary>
    public static Task SetVerifiedRecoveryEmailAsync(this ThresholdFactory app, string email, string recoveryEmail) =>
        app.QueryAsync(async db =>
        {
            var normalized = email.ToUpperInvariant();
            var changed = await db.Users.Where(a => a.NormalizedEmail == normalized).ExecuteUpdateAsync(s => s
                .SetProperty(a => a.RecoveryEmail, recoveryEmail)
                .SetProperty(a => a.RecoveryEmailVerifiedAt, DateTimeOffset.UtcNow), Ct);
            Assert.Equal(1, changed);
            return changed;
        });

    public static async Task<IReadOnlyList<OutboxMessage>> MessagesAsync(this ThresholdFactory app, string to, string template) =>
        (await app.MessagesToAsync(to)).Where(m => m.Template == template).OrderBy(m => m.CreatedAt).ToList();

    /// <summary>The reference code of the account's newest event of this kind.</summary>
    public static Task<string> LatestEventReferenceAsync(this ThresholdFactory app, Guid accountId, Core.Activity.SecurityEventKind kind) =>
        app.QueryAsync(async db => (await db.SecurityEvents.AsNoTracking().Where(e => e.AccountId == accountId && e.Kind == kind).ToListAsync(Ct))
            .OrderBy(e => e.At).Last().ReferenceCode);

    // -------------------------------------------------------------------- pages

    /// <summary>Opens a not-me link (or path) and presses "Secure my account".</summary>
    public static async Task<Page> SecureAccountAsync(this Browser browser, string linkOrPath)
    {
        var page = await browser.GetAsync(linkOrPath.StartsWith("http", StringComparison.Ordinal) ? Site.PathOf(linkOrPath) : linkOrPath);
        Assert.True(page.Status == HttpStatusCode.OK, $"{linkOrPath} answered {(int)page.Status}: {page.MainText}");
        return await page.Form(SecureButton).SubmitAndLoadAsync();
    }

    /// <summary>The support request number the done page shows.</summary>
    public static string SupportNumberOn(Page page) =>
        Regex.Match(page.MainText, "support request number is ([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})") is { Success: true } m
            ? m.Groups[1].Value
            : throw new Xunit.Sdk.XunitException("No support request number on " + page.Url + ":\n" + page.MainText);
}
