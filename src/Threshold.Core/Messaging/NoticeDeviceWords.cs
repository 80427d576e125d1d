namespace Threshold.Core.Messaging;

/// <summary>
/// The browser and system named in a notice ("Chrome", "Windows"), read from the User-Agent.
/// Deliberately small and table-driven: a notice only needs words the owner recognises, and
/// says nothing about the device when nothing is recognised. Order matters: Edge, Opera and
/// Samsung Internet also claim to be Chrome, Chrome claims to be Safari, Android claims Linux
/// and iPhones claim Mac OS X.
/// </summary>
public static class NoticeDeviceWords
{
    /// <summary>Longer User-Agents are read only this far (the event log keeps 256 characters anyway).</summary>
    private const int ReadAtMost = 512;

    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("EdgA/", "Edge"), ("EdgiOS/", "Edge"), ("SamsungBrowser/", "Samsung Internet"), ("OPR/", "Opera"),
        ("Firefox/", "Firefox"), ("FxiOS/", "Firefox"), ("CriOS/", "Chrome"), ("Chrome/", "Chrome"), ("Safari/", "Safari"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("iPhone", "iPhone"), ("iPad", "iPad"), ("Android", "Android"), ("Windows", "Windows"), ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"), ("Macintosh", "macOS"), ("Linux", "Linux"),
    ];

    public static (string? Browser, string? System) Read(string? userAgent)
    {
        if (string.IsNullOrEmpty(userAgent)) return (null, null);
        var text = userAgent.Length <= ReadAtMost ? userAgent : userAgent[..ReadAtMost];
        return (First(Browsers, text), First(Systems, text));
    }

    private static string? First((string Token, string Name)[] table, string text)
    {
        foreach (var (token, name) in table)
            if (text.Contains(token, StringComparison.Ordinal)) return name;
        return null;
    }
}
