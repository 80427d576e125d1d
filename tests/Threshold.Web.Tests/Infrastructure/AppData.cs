using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Messaging;
using Threshold.Store;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>Reads what the app stored, through its own services.</summary>
public static class AppData
{
    public static async Task<T> QueryAsync<T>(this ThresholdFactory app, Func<ThresholdDbContext, Task<T>> query)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await query(scope.ServiceProvider.GetRequiredService<ThresholdDbContext>());
    }

    public static Task<int> AccountCountAsync(this ThresholdFactory app) =>
        app.QueryAsync(db => db.Users.CountAsync(Ct));

    public static Task<Account?> AccountAsync(this ThresholdFactory app, string emailOrUsername) =>
        app.QueryAsync(db =>
        {
            var normalized = emailOrUsername.Trim().ToUpperInvariant();
            return db.Users.AsNoTracking().FirstOrDefaultAsync(a => a.NormalizedEmail == normalized || a.NormalizedUserName == normalized, Ct);
        });

    public static Task<int> SessionCountAsync(this ThresholdFactory app, Guid accountId) =>
        app.QueryAsync(db => db.Sessions.CountAsync(s => s.AccountId == accountId, Ct));

    public static Task<int> OutboxCountAsync(this ThresholdFactory app) =>
        app.QueryAsync(db => db.OutboxMessages.CountAsync(Ct));

    public static async Task<IReadOnlyList<OutboxMessage>> OutboxAsync(this ThresholdFactory app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IOutboxStore>().RecentAsync(10_000, Ct);
    }

    public static async Task<IReadOnlyList<OutboxMessage>> MessagesToAsync(this ThresholdFactory app, string to) =>
        (await app.OutboxAsync()).Where(m => m.To.Equals(to, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>The one message of this template queued for this address.</summary>
    public static async Task<OutboxMessage> MessageToAsync(this ThresholdFactory app, string to, string template)
    {
        var messages = (await app.MessagesToAsync(to)).Where(m => m.Template == template).ToList();
        Assert.True(messages.Count == 1, $"Expected one \"{template}\" message to {to}, found {messages.Count}");
        return messages[0];
    }

    public static async Task<SecurityEvent?> EventAsync(this ThresholdFactory app, string referenceCode)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISecurityEventLog>().FindByReferenceAsync(referenceCode, Ct);
    }
}

public static partial class Mail
{
    [GeneratedRegex(@"https?://\S+/verify-email\?token=[A-Za-z0-9_\-]+")]
    private static partial Regex VerificationLinkPattern();

    public static string VerificationLink(string textBody) =>
        VerificationLinkPattern().Match(textBody) is { Success: true } m
            ? m.Value
            : throw new Xunit.Sdk.XunitException("No verification link in the message:\n" + textBody);

    public static string TokenOf(string link) => link[(link.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..];
}
