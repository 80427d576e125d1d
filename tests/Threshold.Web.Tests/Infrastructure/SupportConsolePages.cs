using AngleSharp.Dom;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Support;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>One row of a console table, read by its column headers: header text → cell text.</summary>
public sealed record ConsoleRow(IElement Row, IReadOnlyDictionary<string, string> Cells)
{
    public string this[string column] => Cells.TryGetValue(column, out var text) ? text
        : throw new Xunit.Sdk.XunitException($"No \"{column}\" column; columns: {string.Join(", ", Cells.Keys)}");
}

/// <summary>The console's queue, search, request, customer and audit pages (helper C of issue 8).</summary>
public static partial class SupportPages
{
    public const string SearchLabel = "Search customers";

    /// <summary>/support/search?q=… as the search form sends it.</summary>
    public static Task<Page> ConsoleSearchAsync(this Browser browser, string query) =>
        browser.GetAsync("/support/search?q=" + Uri.EscapeDataString(query));

    /// <summary>The rows of the table whose caption starts with <paramref name="caption"/>.</summary>
    public static IReadOnlyList<ConsoleRow> TableRows(this Page page, string caption)
    {
        var table = page.Document.QuerySelectorAll("main table")
                .FirstOrDefault(t => Page.Normalize(t.QuerySelector("caption")?.TextContent).StartsWith(caption, StringComparison.Ordinal))
            ?? throw new Xunit.Sdk.XunitException($"No table captioned \"{caption}\" on {page.Url} ({(int)page.Status}): {page.MainText[..Math.Min(600, page.MainText.Length)]}");
        var headers = table.QuerySelectorAll("thead th").Select(th => Page.Normalize(th.TextContent)).ToList();
        return table.QuerySelectorAll("tbody tr").Select(tr => new ConsoleRow(tr,
            tr.Children.Select((cell, i) => (Header: headers[i], Text: Page.Normalize(cell.TextContent))).ToDictionary(c => c.Header, c => c.Text))).ToList();
    }

    /// <summary>Opens a request straight through the store, as the "Can't sign in?" page or "This wasn't me" would.</summary>
    public static async Task<SupportRequest> SeedRequestAsync(this ThresholdFactory app, DateTimeOffset at, string? description = "I cannot sign in.",
        string? contact = "someone@example.test", Guid? accountId = null, string? eventReference = null,
        SupportRequestKind kind = SupportRequestKind.CantSignIn)
    {
        var request = new SupportRequest
        {
            Id = Guid.NewGuid(), Number = ReferenceCode.New(), CreatedAt = at, Kind = kind, AccountId = accountId, Contact = contact,
            Description = description, EventReference = eventReference,
        };
        await using var scope = app.Services.CreateAsyncScope();
        var opened = SecurityEvent.Of(SecurityEventKind.SupportRequestOpened, at, new ClientInfo("192.0.2.7", null), ReferenceCode.New(), accountId,
            request.Number);
        request.Number = await scope.ServiceProvider.GetRequiredService<ISupportRequestStore>().AddAsync(request, opened, Ct);
        return request;
    }

    public static Task<SupportRequest?> RequestAsync(this ThresholdFactory app, string number) =>
        app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.SupportRequests), r => r.Number == number, Ct));
}
