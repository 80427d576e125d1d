using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Secrets;

namespace Threshold.Web.Infrastructure;

public static class ClientInfoFactory
{
    /// <summary>
    /// What the event log records of this client: the address forwarded headers resolved, the
    /// browser, a hash of its device cookie's id, and where the address is. Worked out once per request.
    /// </summary>
    public static ClientInfo Client(this HttpContext context)
    {
        if (context.Items[typeof(ClientInfo)] is ClientInfo known) return known;
        var address = context.Connection.RemoteIpAddress?.ToString();
        var device = context.RequestServices.GetService<DeviceCookies>()?.Read(context);
        var client = new ClientInfo(address, context.Request.Headers.UserAgent.ToString() is { Length: > 0 } ua ? ua : null)
        {
            DeviceHash = device is null ? null : SecretToken.Hash(device.DeviceId),
            Place = context.RequestServices.GetService<IGeoLocator>()?.Locate(address),
        };
        context.Items[typeof(ClientInfo)] = client;
        return client;
    }
}
