using Threshold.Core.Errors;

namespace Threshold.Web.Infrastructure;

/// <summary>
/// A reference code already recorded for this request (an audit line, say), for the error page the
/// status code is re-executed to: the code the person reads is the one support can look up.
/// </summary>
public static class ErrorReference
{
    private static readonly object Key = new();

    public static void Set(HttpContext context, string reference) => context.Items[Key] = reference;

    /// <summary>The recorded reference, or a new one.</summary>
    public static string For(HttpContext context) => context.Items[Key] as string ?? ReferenceCode.New();
}
