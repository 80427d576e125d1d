namespace Threshold.Web.Infrastructure;

/// <summary>Only local paths are followed after sign-in; anything else lands on /account.</summary>
public static class ReturnUrl
{
    public const string Default = "/account";

    private static readonly Uri Base = new("http://localhost");

    /// <summary>The local path to follow, percent-encoded so it is a valid Location header.</summary>
    public static string Safe(string? returnUrl) =>
        IsLocal(returnUrl) ? new Uri(Base, returnUrl).GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped) : Default;

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url[0] == '/' &&
        (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl);
}
