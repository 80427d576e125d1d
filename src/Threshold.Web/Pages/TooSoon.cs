using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;

namespace Threshold.Web.Pages;

/// <summary>"Try again in …": the wording, a 429 and a Retry-After header, the same on every page that limits sends.</summary>
public static class TooSoon
{
    public static string Answer(PageModel page, IStringLocalizer text, TimeSpan wait)
    {
        page.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        return Wait(page, text, wait);
    }

    /// <summary>The wording and the Retry-After header, leaving the status as it is.</summary>
    public static string Wait(PageModel page, IStringLocalizer text, TimeSpan wait)
    {
        var seconds = (int)Math.Ceiling(wait.TotalSeconds);
        page.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return seconds <= 90 ? text["{0} seconds", seconds] : text["{0} minutes", (int)Math.Ceiling(wait.TotalMinutes)];
    }
}
