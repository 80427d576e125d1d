using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Errors;
using Threshold.Core.Factors;
using Threshold.Core.Sessions;

namespace Threshold.Core.Accounts.Data;

/// <summary>The downloaded file: its name, its JSON and the reference of the event that recorded it.</summary>
public sealed record AccountExportFile(string FileName, byte[] Json, string ReferenceCode);

/// <summary>
/// "Download your data": the profile, identifiers, two-step methods, sessions, security history
/// and open support requests of one account as JSON (GDPR art. 15 and 20). The export itself is
/// recorded first, so the file lists its own download and the history shows every copy made.
/// </summary>
public sealed class AccountDataExport(
    IAccountDataStore store,
    IFactorStore factors,
    TwoFactorMethods methods,
    ISessionStore sessions,
    ISecurityEventLog events,
    IOptions<ThresholdOptions> options,
    TimeProvider clock)
{
    /// <summary>
    /// The newest events in one file. A long-lived account attacked for years could have many more;
    /// the file then says it is incomplete rather than growing without bound.
    /// </summary>
    public const int MaxEvents = 10_000;

    /// <summary>
    /// Readable as well as parseable: indented, and "+351…", "São Paulo" or a name in any script written
    /// as they are rather than as \u escapes. The file is a download (attachment, nosniff), never a page.
    /// </summary>
    public static readonly JsonSerializerOptions Json = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public async Task<AccountExportFile> ExportAsync(Account account, Guid? currentSessionId, ClientInfo client, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var now = clock.GetUtcNow();
        await events.RecordAsync(SecurityEvent.Of(SecurityEventKind.DataExported, now, client, reference, account.Id, account.UserName), ct);

        var history = await events.ForAccountAsync(account.Id, MaxEvents + 1, ct);
        var requests = await store.OpenSupportRequestsAsync(account.Id, ct);
        var document = new AccountExport(
            AccountExport.CurrentFormat,
            options.Value.ServiceName,
            now,
            reference,
            Profile(account),
            Identifiers(account),
            await TwoStepAsync(account, ct),
            (await sessions.ForAccountAsync(account.Id, ct)).Select(s => Session(s, currentSessionId)).ToList(),
            history.Take(MaxEvents).Select(Event).ToList(),
            history.Count <= MaxEvents,
            requests.Select(r => new ExportSupportRequest(r.Number, r.Kind, r.CreatedAt, r.Status)).ToList());
        return new($"threshold-account-{now.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.json", JsonSerializer.SerializeToUtf8Bytes(document, Json), reference);
    }

    private static ExportProfile Profile(Account account) => new(
        account.UserName ?? "",
        account.Email ?? "",
        account.EmailConfirmed,
        account.EmailVerifiedAt,
        account.CreatedAt,
        account.PasswordHash is not null,
        account.PasswordChangedAt,
        account.PasswordResetRequired);

    private static List<ExportIdentifier> Identifiers(Account account)
    {
        var list = new List<ExportIdentifier>
        {
            new("email", account.Email ?? "", account.EmailConfirmed),
            // A username needs no proof: it is whatever was chosen.
            new("username", account.UserName ?? "", true),
        };
        if (account.RecoveryEmail is { Length: > 0 } recovery)
            list.Add(new("recovery-email", recovery, account.RecoveryEmailVerifiedAt is not null));
        if (account.PhoneNumber is { Length: > 0 } phone)
            list.Add(new("phone", phone, account.PhoneNumberConfirmed));
        return list;
    }

    private async Task<ExportTwoStep> TwoStepAsync(Account account, CancellationToken ct)
    {
        var state = await methods.ForAccountAsync(account, ct);
        var totp = await factors.ConfirmedTotpAsync(account.Id, ct);
        var passkeys = await factors.PasskeysAsync(account.Id, ct);
        return new(
            state.IsOn,
            state.Methods.Where(m => m.Kind != SecondFactorKind.BackupCode).Select(m => m.Kind.Code()).ToList(),
            state.Default?.Code(),
            totp?.ConfirmedAt,
            passkeys.Select(p => new ExportPasskey(p.Name, p.CreatedAt)).ToList(),
            state.BackupCodesLeft,
            account.SecurityAlertsBySms);
    }

    private static ExportSession Session(Session session, Guid? currentSessionId) => new(
        session.CreatedAt, session.LastSeenAt, session.ExpiresAt, session.Persistent, session.IpAddress, session.UserAgent,
        session.Id == currentSessionId);

    private static ExportEvent Event(SecurityEvent e)
    {
        var local = e.CountryCode == GeoPlace.LocalNetwork.CountryCode;
        return new(e.At, e.Kind, e.Reason, e.IpAddress, e.UserAgent, local ? null : e.CountryCode, e.City, local, e.ReferenceCode);
    }
}
