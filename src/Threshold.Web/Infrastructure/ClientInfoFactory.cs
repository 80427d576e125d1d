using Threshold.Core.Activity;

namespace Threshold.Web.Infrastructure;

public static class ClientInfoFactory
{
    /// <summary>What the event log records of this client. The address is the one forwarded headers resolved.</summary>
    public static ClientInfo Client(this HttpContext context) =>
        new(context.Connection.RemoteIpAddress?.ToString(), context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null);
}
