using System.Net.Http.Json;
using Microsoft.Extensions.Options;

namespace Threshold.Core.Messaging;

/// <summary>Bound from "Sms:Webhook". With no Url, text messages stay in the outbox.</summary>
public class SmsWebhookOptions
{
    /// <summary>The provider's endpoint; receives POST {"to","text","reference"} as JSON.</summary>
    public string? Url { get; set; }
    /// <summary>The Authorization header value the provider expects, e.g. "Bearer …".</summary>
    public string? Authorization { get; set; }
}

/// <summary>
/// Sends text messages through an SMS provider's HTTP API (a generic JSON webhook), so a
/// real provider plugs in with settings. Succeeds only on a 2xx answer.
/// </summary>
public sealed class WebhookSmsTransport(HttpClient http, IOptions<SmsWebhookOptions> options) : IMessageTransport
{
    public MessageChannel Channel => MessageChannel.Sms;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, options.Value.Url)
        {
            Content = JsonContent.Create(new { to = message.To, text = message.TextBody, reference = message.ReferenceCode }),
        };
        if (!string.IsNullOrEmpty(options.Value.Authorization))
            request.Headers.TryAddWithoutValidation("Authorization", options.Value.Authorization);
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"The SMS provider answered {(int)response.StatusCode}.", null, response.StatusCode);
    }
}
