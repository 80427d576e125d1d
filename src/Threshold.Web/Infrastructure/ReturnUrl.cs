namespace Threshold.Web.Infrastructure;

/// <summary>Only local paths are followed after sign-in; anything else lands on /account.</summary>
public static class ReturnUrl
{
    public const string Default = "/account";

    public static string Safe(string? returnUrl) =>
        IsLocal(returnUrl) ? returnUrl! : Default;

    public static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url.Length <= 2048 && url[0] == '/' &&
        (url.Length == 1 || (url[1] != '/' && url[1] != '\\')) && !url.Any(char.IsControl);
}
