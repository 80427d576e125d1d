using AngleSharp.Dom;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>One row of the login history table, read by its column headers as a person would.</summary>
/// <param name="Utc">The time as the server writes it ("4 May 2026, 09:00 UTC"); <paramref name="Iso"/> is its datetime attribute.</param>
public sealed record HistoryRow(string Utc, string Iso, string Result, string Method, string Device, string Address, string Location,
    bool NewDevice, bool NewCountry, string? NotMeHref);

/// <summary>One session on /account/sessions.</summary>
public sealed record SessionCard(string SessionId, string Device, bool ThisDevice, string Location, string Started, string LastActive);

/// <summary>Page objects for /account/activity (login history) and /account/sessions.</summary>
public static class ActivityPages
{
    public const string SignOutEverywhereElse = "Sign out everywhere else";

    public static Task<Page> ActivityAsync(this Browser browser, string query = "") => browser.GetAsync("/account/activity" + query);

    /// <summary>The history table's rows; fails when a column is missing.</summary>
    public static IReadOnlyList<HistoryRow> HistoryRows(this Page page)
    {
        var table = page.Document.QuerySelector("main table") ?? throw new Xunit.Sdk.XunitException($"No history table on {page.Url} ({(int)page.Status})");
        var headers = table.QuerySelectorAll("thead th").Select(th => Page.Normalize(th.TextContent)).ToList();
        int Column(string name) => headers.IndexOf(name) is >= 0 and var i ? i : throw new Xunit.Sdk.XunitException($"No \"{name}\" column; columns: {string.Join(", ", headers)}");
        return table.QuerySelectorAll("tbody tr").Select(tr =>
        {
            var cells = tr.Children.ToList();
            var time = cells[Column("Date and time")].QuerySelector("time")!;
            return new HistoryRow(
                Page.Normalize(time.TextContent),
                time.GetAttribute("datetime")!,
                TextWithoutBadges(cells[Column("Result")]),
                TextWithoutBadges(cells[Column("Method")]),
                TextWithoutBadges(cells[Column("Device")]),
                TextWithoutBadges(cells[Column("IP address")]),
                TextWithoutBadges(cells[Column("Location")]),
                Badges(cells[Column("Device")]).Contains("New device"),
                Badges(cells[Column("Location")]).Contains("New country"),
                cells[Column("Report")].QuerySelectorAll("a").FirstOrDefault(a => Page.Normalize(a.TextContent) == "This wasn't me")?.GetAttribute("href"));
        }).ToList();
    }

    public static Task<Page> SessionsPageAsync(this Browser browser) => browser.GetAsync("/account/sessions");

    public static IReadOnlyList<SessionCard> SessionCards(this Page page) =>
        page.Document.QuerySelectorAll("main ul.sessions > li").Select(li =>
        {
            var facts = li.QuerySelectorAll("dt").ToDictionary(dt => Page.Normalize(dt.TextContent), dt => dt.NextElementSibling!);
            return new SessionCard(
                li.QuerySelector("input[name=SessionId]")?.GetAttribute("value") ?? throw new Xunit.Sdk.XunitException("A session without a Sign out form"),
                TextWithoutBadges(li.QuerySelector("h2")!),
                Badges(li.QuerySelector("h2")!).Contains("This device"),
                Page.Normalize(facts["Location"].TextContent),
                facts["Started"].QuerySelector("time")!.GetAttribute("datetime")!,
                facts["Last active"].QuerySelector("time")!.GetAttribute("datetime")!);
        }).ToList();

    /// <summary>The "Sign out" form of the session card for <paramref name="sessionId"/>.</summary>
    public static Form SignOutSessionForm(this Page page, string sessionId)
    {
        var form = page.Document.QuerySelectorAll("main ul.sessions form")
            .FirstOrDefault(f => f.QuerySelector("input[name=SessionId]")?.GetAttribute("value") == sessionId)
            ?? throw new Xunit.Sdk.XunitException($"No session {sessionId} on {page.Url}");
        Assert.Equal("Sign out", Page.Normalize(form.QuerySelector("button")!.TextContent));
        return new Form(page, (AngleSharp.Html.Dom.IHtmlFormElement)form);
    }

    /// <summary>Presses "Sign out" on a session card; <paramref name="sendAs"/> replaces the id the form sends (a tampered request).</summary>
    public static async Task<HttpResponseMessage> SignOutSessionAsync(this Browser browser, string sessionId, string? sendAs = null)
    {
        var page = await browser.SessionsPageAsync();
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var form = page.SignOutSessionForm(sessionId);
        if (sendAs is not null) form.Set("SessionId", sendAs);
        return await form.SubmitAsync();
    }

    public static async Task<HttpResponseMessage> SignOutEverywhereElseAsync(this Browser browser)
    {
        var page = await browser.SessionsPageAsync();
        Assert.Equal(HttpStatusCode.OK, page.Status);
        return await page.Form(SignOutEverywhereElse).SubmitAsync();
    }

    /// <summary>The ids of the account's stored sessions.</summary>
    public static Task<List<Guid>> SessionIdsAsync(this ThresholdFactory app, Guid accountId) =>
        app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Sessions.Where(s => s.AccountId == accountId).OrderBy(s => s.CreatedAt).Select(s => s.Id), Ct));

    private static string TextWithoutBadges(IElement element)
    {
        var copy = (IElement)element.Clone();
        foreach (var badge in copy.QuerySelectorAll(".badge").ToList()) badge.Remove();
        return Page.Normalize(copy.TextContent);
    }

    private static List<string> Badges(IElement element) =>
        element.QuerySelectorAll(".badge").Select(b => Page.Normalize(b.TextContent)).ToList();
}

/// <summary>User-Agent strings real browsers send.</summary>
public static class UserAgents
{
    public const string ChromeOnWindows = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
    public const string FirefoxOnLinux = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";
    public const string SafariOnIPhone = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1";
    public const string SamsungInternet = "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36";
}
