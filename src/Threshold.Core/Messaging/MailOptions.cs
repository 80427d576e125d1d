namespace Threshold.Core.Messaging;

/// <summary>Bound from the "Mail" section. With no Smtp:Host, mail stays in the outbox.</summary>
public class MailOptions
{
    public string From { get; set; } = "Threshold <no-reply@threshold.localhost>";
    public SmtpSettings Smtp { get; set; } = new();

    public bool SmtpConfigured => !string.IsNullOrWhiteSpace(Smtp.Host);
}

public class SmtpSettings
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string? Username { get; set; }
    public string? Password { get; set; }
    /// <summary>Auto (STARTTLS when offered), None, StartTls or SslOnConnect.</summary>
    public string Security { get; set; } = "Auto";
}
