namespace Threshold.Core.Sessions;

/// <summary>
/// What a User-Agent says in words a person recognises: the browser and the system, both proper
/// nouns ("Chrome", "Windows"), or null when the string does not say. The page puts them into
/// its own localised sentence ("Chrome on Windows", "Unknown device").
/// </summary>
public sealed record DeviceName(string? Browser, string? System)
{
    public static readonly DeviceName Unknown = new(null, null);
}

/// <summary>
/// A small, table-driven User-Agent reader. It looks for fixed tokens in order (the first match
/// wins), so browsers built on another's engine are listed before it: Edge, Opera and Samsung
/// Internet say "Chrome" too, and Chrome says "Safari". It never throws and reads at most the
/// first <see cref="MaxLength"/> characters, whatever a client sends.
/// </summary>
public static class DeviceNames
{
    /// <summary>Real User-Agents are a few hundred characters; the event log keeps 256.</summary>
    public const int MaxLength = 512;

    private static readonly (string Token, string Browser)[] Browsers =
    [
        ("EdgiOS/", "Edge"),
        ("EdgA/", "Edge"),
        ("Edg/", "Edge"),
        ("Edge/", "Edge"),
        ("OPR/", "Opera"),
        ("OPiOS/", "Opera"),
        ("Opera", "Opera"),
        ("SamsungBrowser/", "Samsung Internet"),
        ("YaBrowser/", "Yandex Browser"),
        ("Vivaldi/", "Vivaldi"),
        ("DuckDuckGo/", "DuckDuckGo"),
        ("FxiOS/", "Firefox"),
        ("Firefox/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("HeadlessChrome/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
        ("Trident/", "Internet Explorer"),
        ("MSIE ", "Internet Explorer"),
        // Safari proper says "Version/x Safari/y"; other WebKit browsers were caught above.
        ("Version/", "Safari"),
        ("curl/", "curl"),
        ("Wget/", "Wget"),
        ("python-requests/", "Python"),
        ("okhttp/", "OkHttp"),
    ];

    private static readonly (string Token, string System)[] Systems =
    [
        ("Windows Phone", "Windows Phone"),
        ("Windows", "Windows"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("iPod", "iPod"),
        // Android and ChromeOS user agents also say "Linux"; iPhones say "like Mac OS X".
        ("Android", "Android"),
        ("CrOS", "ChromeOS"),
        ("Macintosh", "macOS"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
        ("FreeBSD", "FreeBSD"),
    ];

    public static DeviceName Read(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent)) return DeviceName.Unknown;
        var text = userAgent.AsSpan(0, Math.Min(userAgent.Length, MaxLength));
        return new DeviceName(First(text, Browsers), First(text, Systems));
    }

    private static string? First(ReadOnlySpan<char> text, (string Token, string Name)[] table)
    {
        foreach (var (token, name) in table)
            if (text.Contains(token, StringComparison.Ordinal)) return name;
        return null;
    }
}
