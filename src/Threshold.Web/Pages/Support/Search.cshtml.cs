using Microsoft.Extensions.Localization;
using Threshold.Core.Support.Search;

namespace Threshold.Web.Pages.Support;

/// <summary>/support/search?q=…: exact matches by email, phone, username or reference code.</summary>
public sealed class SearchModel(CustomerSearch search, IStringLocalizer<SharedResource> text) : SupportConsolePage(text)
{
    public CustomerSearchResult? Result { get; private set; }

    /// <summary>The search as typed (for the heading; always HTML-encoded when written).</summary>
    public string? Typed { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        // No "q" at all: the empty form. An empty or unusable "q": the form with its error.
        if (!Request.Query.TryGetValue("q", out var values)) return;
        if (values.Count != 1)
        {
            Refuse(Text["Search for one thing at a time."]);
            return;
        }
        Typed = values[0];
        var result = await search.SearchAsync(Typed, ct);
        if (!result.Accepted)
        {
            Show(result.Problems, result.ReferenceCode, CustomerQuery.MaxLength);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        Result = result;
    }
}
