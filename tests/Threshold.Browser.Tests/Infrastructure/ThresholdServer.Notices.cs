using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Messaging;

namespace Threshold.Browser.Tests.Infrastructure;

public partial class ThresholdServer
{
    /// <summary>The "This wasn't me" link of the newest <paramref name="template"/> email to <paramref name="email"/>, read from the outbox.</summary>
    public async Task<string> NotMeLinkAsync(string email, string template)
    {
        await using var scope = Services.CreateAsyncScope();
        var messages = await scope.ServiceProvider.GetRequiredService<IOutboxStore>().RecentAsync(500);
        var notice = messages
            .Where(m => m.Template == template && string.Equals(m.To, email, StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(m => m.CreatedAt)
            .FirstOrDefault()
            ?? throw new InvalidOperationException($"No \"{template}\" email to {email} in the outbox ({messages.Count} messages).");
        var link = NotMeLink().Match(notice.TextBody);
        if (!link.Success || !link.Value.StartsWith(Origin + "/", StringComparison.Ordinal))
            throw new InvalidOperationException($"The \"{template}\" email to {email} has no not-me link on {Origin}:\n{notice.TextBody}");
        return link.Value;
    }

    [GeneratedRegex(@"https?://[^\s""<>]+/account/not-me\?t=[^\s""<>]+")]
    private static partial Regex NotMeLink();
}
