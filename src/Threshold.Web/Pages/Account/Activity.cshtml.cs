using System.Globalization;
using Microsoft.Extensions.Localization;
using Threshold.Core.Activity;

namespace Threshold.Web.Pages.Account;

/// <summary>The login history: every attempt to sign in to this account, newest first, 20 to a page.</summary>
public sealed class ActivityModel(LoginHistory history, IStringLocalizer<SharedResource> text) : AccountPage(text)
{
    public LoginHistoryPage? History { get; private set; }

    /// <summary>
    /// The page number comes from the query string itself: Razor Pages keeps a route value called
    /// "page" (the page's own name), which model binding would read first.
    /// </summary>
    public async Task OnGetAsync(CancellationToken ct)
    {
        if (PageNumber(Request.Query["page"]) is not { } number)
        {
            Summary = Text["There is no such page of your history. Page numbers are whole numbers from 1."];
            Reference = Core.Errors.ReferenceCode.New();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }
        History = await history.PageAsync(Account.Id, number, ct);
    }

    /// <summary>1 when absent; null when it is not a page number. A number too large for any history is just past the end.</summary>
    public static int? PageNumber(Microsoft.Extensions.Primitives.StringValues values)
    {
        if (values.Count == 0) return 1;
        if (values.Count > 1 || values[0] is not { Length: > 0 and <= 100 } value) return null;
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)) return number >= 1 ? number : null;
        return value.All(char.IsAsciiDigit) ? int.MaxValue : null;
    }
}
