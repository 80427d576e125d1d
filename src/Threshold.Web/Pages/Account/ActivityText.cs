using System.Globalization;
using Microsoft.Extensions.Localization;
using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Sessions;

namespace Threshold.Web.Pages.Account;

/// <summary>
/// The words the login history and sessions pages use for devices, places, results and methods.
/// Browser, system and country names are proper nouns; the sentences around them come from resources.
/// </summary>
public static class ActivityText
{
    public static string Device(DeviceName device, IStringLocalizer text) => (device.Browser, device.System) switch
    {
        ({ } browser, { } system) => text["{0} on {1}", browser, system],
        ({ } browser, null) => text["{0} on an unknown device", browser],
        (null, { } system) => text["Unknown browser on {0}", system],
        _ => text["Unknown device"],
    };

    /// <summary>"Lisbon, Portugal", "Portugal", "Local network" or "Unknown location".</summary>
    public static string Place(GeoPlace? place, IStringLocalizer text)
    {
        if (place is null) return text["Unknown location"];
        if (place.IsLocalNetwork) return text["Local network"];
        var country = CountryName(place.CountryCode);
        return (place.City, country) switch
        {
            ({ Length: > 0 } city, { } name) => text["{0}, {1}", city, name],
            ({ Length: > 0 } city, null) => city,
            (_, { } name) => name,
            _ => text["Unknown location"],
        };
    }

    /// <summary>
    /// The country's name, or the code itself when .NET does not know it (such as "EU"). English pages
    /// use RegionInfo.EnglishName: DisplayName is only localised when the page's language is the
    /// machine's own, and otherwise gives the country's native name ("日本"), whatever the page's language.
    /// </summary>
    public static string? CountryName(string? isoCode)
    {
        if (isoCode is not { Length: 2 } || !isoCode.All(char.IsAsciiLetter)) return null;
        try
        {
            var region = new RegionInfo(isoCode);
            return CultureInfo.CurrentUICulture.TwoLetterISOLanguageName == "en" ? region.EnglishName : region.DisplayName;
        }
        catch (ArgumentException) { return isoCode.ToUpperInvariant(); }
    }

    public static string Result(AttemptResult result, IStringLocalizer text) => result switch
    {
        AttemptResult.SignedIn => text["Signed in"],
        AttemptResult.WrongPassword => text["Wrong password"],
        AttemptResult.WrongCode => text["Wrong code"],
        AttemptResult.Blocked => text["Blocked"],
        AttemptResult.PasswordReset => text["Password reset"],
        AttemptResult.ReportedNotMe => text["Reported as not you"],
        _ => text["Not signed in"],
    };

    /// <summary>"Password + Authenticator app"; an empty string when the entry has no method.</summary>
    public static string Methods(IReadOnlyList<SignInMethod> methods, IStringLocalizer text) =>
        string.Join(" + ", methods.Select(method => Method(method, text)));

    private static string Method(SignInMethod method, IStringLocalizer text) => method switch
    {
        SignInMethod.Password => text["Password"],
        SignInMethod.Passkey => text["Passkey"],
        SignInMethod.AuthenticatorApp => text["Authenticator app"],
        SignInMethod.TextMessage => text["Text message"],
        SignInMethod.EmailCode => text["Email code"],
        SignInMethod.BackupCode => text["Backup code"],
        SignInMethod.SecurityKey => text["Security key"],
        SignInMethod.RememberedDevice => text["Remembered device"],
        SignInMethod.EmailLink => text["Email link"],
        _ => method.ToString(),
    };

    /// <summary>The time as the server writes it (UTC); site.js rewrites it to the reader's own time zone.</summary>
    public static string Utc(DateTimeOffset at, IStringLocalizer text) =>
        text["{0} UTC", at.UtcDateTime.ToString("d MMMM yyyy, HH:mm", CultureInfo.CurrentCulture)];

    /// <summary>The value of a &lt;time datetime&gt; attribute: ISO 8601 in UTC.</summary>
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
