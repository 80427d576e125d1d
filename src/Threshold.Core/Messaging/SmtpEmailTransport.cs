using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Threshold.Core.Messaging;

/// <summary>Delivers email through an SMTP server with MailKit.</summary>
public sealed class SmtpEmailTransport(IOptions<MailOptions> options) : IMessageTransport
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public MessageChannel Channel => MessageChannel.Email;

    public async Task SendAsync(OutboxMessage message, CancellationToken ct)
    {
        var settings = options.Value;
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(settings.From));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Headers.Add("X-Threshold-Reference", message.ReferenceCode);
        var body = new BodyBuilder { TextBody = message.TextBody, HtmlBody = message.HtmlBody };
        mime.Body = body.ToMessageBody();

        using var client = new SmtpClient { Timeout = (int)Timeout.TotalMilliseconds };
        var security = Enum.TryParse<SecureSocketOptions>(settings.Smtp.Security, ignoreCase: true, out var parsed)
            ? parsed : SecureSocketOptions.Auto;
        await client.ConnectAsync(settings.Smtp.Host ?? throw new InvalidOperationException("Mail:Smtp:Host is not set."), settings.Smtp.Port, security, ct);
        if (!string.IsNullOrEmpty(settings.Smtp.Username))
            await client.AuthenticateAsync(settings.Smtp.Username, settings.Smtp.Password ?? "", ct);
        await client.SendAsync(mime, ct);
        await client.DisconnectAsync(quit: true, ct);
    }
}
