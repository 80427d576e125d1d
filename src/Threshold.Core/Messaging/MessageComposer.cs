using System.Globalization;
using System.Net;
using System.Resources;
using System.Text;
using Microsoft.Extensions.Options;

namespace Threshold.Core.Messaging;

/// <summary>
/// Builds the text and HTML bodies of the messages we send from MessageText.resx
/// (one set of strings per culture). Links always come from Threshold:PublicOrigin.
/// </summary>
public sealed partial class MessageComposer(IOptions<ThresholdOptions> options, TimeProvider clock)
{
    private static readonly ResourceManager Text = new("Threshold.Core.Messaging.MessageText", typeof(MessageComposer).Assembly);
    private ThresholdOptions Options => options.Value;

    public OutboxMessage Welcome(string email, string username, Uri verificationLink, string reference) =>
        Email("welcome", email, reference,
            Format("WelcomeSubject", Options.ServiceName),
            Format("WelcomeBody", username, Options.ServiceName, (int)Options.VerificationLinkLifetime.TotalHours, verificationLink),
            verificationLink);

    public OutboxMessage AlreadyRegistered(string email, string username, string reference) =>
        Email("already-registered", email, reference,
            Format("AlreadyRegisteredSubject", Options.ServiceName),
            Format("AlreadyRegisteredBody", Options.ServiceName, username, new Uri(Options.PublicOrigin).Host));

    public OutboxMessage UsernameUnavailable(string email, string username, string reference) =>
        Email("username-unavailable", email, reference,
            Format("UsernameUnavailableSubject", Options.ServiceName),
            Format("UsernameUnavailableBody", Options.ServiceName, username, new Uri(Options.PublicOrigin).Host));

    /// <summary>"Your password was changed": when, from where, and the "This wasn't me" link. No sign-in link.</summary>
    public OutboxMessage PasswordChanged(string email, string username, NoticeContext context, Uri notMeLink, string reference) =>
        Email("password-changed", email, reference,
            Format("PasswordChangedSubject", Options.ServiceName),
            Format("PasswordChangedBody", username, Options.ServiceName, Details(context), NotMe(notMeLink), new Uri(Options.PublicOrigin).Host),
            notMeLink);

    public OutboxMessage VerifyAgain(string email, string username, Uri verificationLink, string reference) =>
        Email("verify-again", email, reference,
            Format("VerifyAgainSubject", Options.ServiceName),
            Format("VerifyAgainBody", username, Options.ServiceName, (int)Options.VerificationLinkLifetime.TotalHours, verificationLink),
            verificationLink);

    public OutboxMessage UsernameReminder(string email, IReadOnlyList<string> usernames, string reference) =>
        Email("username-reminder", email, reference,
            Format("UsernameReminderSubject", Options.ServiceName),
            Format("UsernameReminderBody", Options.ServiceName, string.Join(", ", usernames), new Uri(Options.PublicOrigin).Host));

    public OutboxMessage UsernameReminderSms(string phone, IReadOnlyList<string> usernames, string reference) =>
        Sms("username-reminder", phone, reference, Format("UsernameReminderSms", Options.ServiceName, string.Join(", ", usernames), reference));

    public OutboxMessage PasswordResetLink(string email, string username, Uri link, int minutes, string reference) =>
        Email("password-reset", email, reference,
            Format("PasswordResetSubject", Options.ServiceName),
            Format("PasswordResetBody", username, Options.ServiceName, link, minutes),
            link);

    public OutboxMessage PasswordResetCode(string phone, string code, int minutes, string reference) =>
        Sms("password-reset", phone, reference, Format("PasswordResetSms", Options.ServiceName, code, minutes));

    public OutboxMessage PasswordChangedSms(string phone, string reference) =>
        Sms("password-changed", phone, reference, Format("PasswordChangedSms", Options.ServiceName, reference));

    public OutboxMessage SignInCodeEmail(string email, string username, string code, int minutes, string reference) =>
        Email("sign-in-code", email, reference,
            Format("SignInCodeSubject", Options.ServiceName, code),
            Format("SignInCodeBody", username, Options.ServiceName, code, minutes));

    public OutboxMessage SignInCodeSms(string phone, string code, int minutes, string reference) =>
        Sms("sign-in-code", phone, reference, Format("SignInCodeSms", Options.ServiceName, code, minutes));

    public OutboxMessage PhoneConfirmationSms(string phone, string code, int minutes, string reference) =>
        Sms("confirm-phone", phone, reference, Format("ConfirmPhoneSms", Options.ServiceName, code, minutes));

    /// <summary>"Your sign-in settings changed": what changed, when, from where, and the "This wasn't me" link. No sign-in link.</summary>
    public OutboxMessage SecurityChanged(string email, string username, string change, NoticeContext context, Uri notMeLink, string reference) =>
        Email("security-changed", email, reference,
            Format("SecurityChangedSubject", Options.ServiceName),
            Format("SecurityChangedBody", username, Options.ServiceName, ChangeText(change), Details(context), NotMe(notMeLink),
                new Uri(Options.PublicOrigin).Host),
            notMeLink);

    public OutboxMessage SecurityChangedSms(string phone, string change, string reference) =>
        Sms("security-changed", phone, reference, Format("SecurityChangedSms", Options.ServiceName, ChangeText(change), reference));

    /// <summary>The sentence for a change code such as "totp-added".</summary>
    public static string ChangeText(string change) =>
        Text.GetString("Change_" + change, CultureInfo.CurrentUICulture) ?? throw new InvalidOperationException($"Missing change text {change}");

    /// <summary>A text message: short, no link, the reference or the code in it.</summary>
    private OutboxMessage Sms(string template, string phone, string reference, string text)
    {
        var now = clock.GetUtcNow();
        return new OutboxMessage
        {
            Id = Guid.NewGuid(), Channel = MessageChannel.Sms, Template = template, To = phone,
            Subject = "", TextBody = text, ReferenceCode = reference, CreatedAt = now, NextAttemptAt = now,
        };
    }

    private OutboxMessage Email(string template, string to, string reference, string subject, string body, Uri? link = null)
    {
        var footer = Format("Footer", Options.ServiceName, reference);
        var now = clock.GetUtcNow();
        return new OutboxMessage
        {
            Id = Guid.NewGuid(),
            Channel = MessageChannel.Email,
            Template = template,
            To = to,
            Subject = subject,
            TextBody = body + "\n\n" + footer + "\n",
            HtmlBody = Html(body, footer, link),
            ReferenceCode = reference,
            CreatedAt = now,
            NextAttemptAt = now,
        };
    }

    /// <summary>Paragraphs of encoded text; the one link we mean to send becomes a real link.</summary>
    private static string Html(string body, string footer, Uri? link)
    {
        var html = new StringBuilder("<!DOCTYPE html><html><body>");
        foreach (var paragraph in body.Split("\n\n"))
        {
            var encoded = WebUtility.HtmlEncode(paragraph).Replace("\n", "<br>");
            if (link is not null)
            {
                var href = WebUtility.HtmlEncode(link.AbsoluteUri);
                encoded = encoded.Replace(href, $"<a href=\"{href}\">{href}</a>");
            }
            html.Append("<p>").Append(encoded).Append("</p>");
        }
        html.Append("<p><small>").Append(WebUtility.HtmlEncode(footer)).Append("</small></p></body></html>");
        return html.ToString();
    }

    private static string Format(string key, params object[] args) =>
        string.Format(CultureInfo.CurrentCulture,
            Text.GetString(key, CultureInfo.CurrentUICulture) ?? throw new InvalidOperationException($"Missing message text {key}"),
            args);
}
