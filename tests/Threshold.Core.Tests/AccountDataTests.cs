using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;
using Threshold.Core.Accounts.Data;
using Threshold.Core.Activity;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Messaging;
using Threshold.Core.Sessions;
using Threshold.Core.Support;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>
/// "Your data" against in-memory stores: the export holds the profile, identifiers, methods,
/// sessions, history and open support requests, and nothing secret; deletion needs the
/// confirmation and sends its notice only to addresses the owner proved.
/// </summary>
public sealed class AccountDataTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TwoFactorRig _rig = new();
    private readonly InMemoryAccountDataStore _data = new();

    private AccountDataExport Export() => new(_data, _rig.Factors, _rig.Methods, _rig.Sessions, _rig.Events,
        Options.Create(new ThresholdOptions { ServiceName = "Threshold" }), _rig.Clock);

    private AccountDeletion Deletion() => new(_data, _rig.Composer, new OutboxSignal(), _rig.Clock);

    [Fact]
    public async Task The_export_holds_profile_identifiers_methods_sessions_history_and_open_requests()
    {
        var (account, _, current) = await FullAccountAsync();

        var file = await Export().ExportAsync(account, current.Id, TwoFactorRig.Client, Ct);

        Assert.Equal("threshold-account-2026-11-29.json", file.FileName);
        using var json = JsonDocument.Parse(file.Json);
        var root = json.RootElement;
        Assert.Equal("threshold-account-export/1", root.GetProperty("format").GetString());
        Assert.Equal(file.ReferenceCode, root.GetProperty("reference").GetString());

        var profile = root.GetProperty("profile");
        Assert.Equal("alice", profile.GetProperty("username").GetString());
        Assert.Equal("alice@example.com", profile.GetProperty("email").GetString());
        Assert.True(profile.GetProperty("emailVerified").GetBoolean());
        Assert.True(profile.GetProperty("hasPassword").GetBoolean());
        Assert.Equal(account.CreatedAt, profile.GetProperty("createdAt").GetDateTimeOffset());
        Assert.Equal(account.PasswordChangedAt, profile.GetProperty("passwordChangedAt").GetDateTimeOffset());

        var identifiers = root.GetProperty("identifiers").EnumerateArray()
            .ToDictionary(i => i.GetProperty("kind").GetString()!, i => (i.GetProperty("value").GetString(), i.GetProperty("verified").GetBoolean()));
        Assert.Equal(("alice@example.com", true), identifiers["email"]);
        Assert.Equal(("alice", true), identifiers["username"]);
        Assert.Equal(("alice.backup@example.org", true), identifiers["recovery-email"]);
        Assert.Equal(("+351912345678", true), identifiers["phone"]);
        // Written as typed, not as "\u002B351…": the file is for people too.
        Assert.Contains("\"+351912345678\"", Encoding.UTF8.GetString(file.Json), StringComparison.Ordinal);

        var twoStep = root.GetProperty("twoStepSignIn");
        Assert.True(twoStep.GetProperty("on").GetBoolean());
        Assert.Equal(["security-key", "totp", "sms"], twoStep.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(_rig.Clock.GetUtcNow(), twoStep.GetProperty("authenticatorAppAddedAt").GetDateTimeOffset());
        var passkey = Assert.Single(twoStep.GetProperty("passkeys").EnumerateArray());
        Assert.Equal("Office key", passkey.GetProperty("name").GetString());
        Assert.Equal(10, twoStep.GetProperty("backupCodesLeft").GetInt32());

        var sessions = root.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal(2, sessions.Count);
        var here = Assert.Single(sessions, s => s.GetProperty("thisDevice").GetBoolean());
        Assert.Equal("Mozilla/5.0 (this one)", here.GetProperty("userAgent").GetString());
        Assert.Equal("198.51.100.7", here.GetProperty("ipAddress").GetString());
        Assert.Equal(current.CreatedAt, here.GetProperty("startedAt").GetDateTimeOffset());
        Assert.Equal(current.LastSeenAt, here.GetProperty("lastActiveAt").GetDateTimeOffset());

        var events = root.GetProperty("securityEvents").EnumerateArray().ToList();
        Assert.True(root.GetProperty("securityEventsComplete").GetBoolean());
        var lisbon = Assert.Single(events, e => e.GetProperty("kind").GetString() == "sign_in_failed");
        Assert.Equal("wrong_password", lisbon.GetProperty("reason").GetString());
        Assert.Equal("PT", lisbon.GetProperty("countryCode").GetString());
        Assert.Equal("Lisbon", lisbon.GetProperty("city").GetString());
        Assert.Equal("203.0.113.50", lisbon.GetProperty("ipAddress").GetString());
        Assert.Equal("Mozilla/5.0 (Lisbon)", lisbon.GetProperty("userAgent").GetString());
        Assert.Equal("K7F3-9QX2", lisbon.GetProperty("reference").GetString());
        var local = Assert.Single(events, e => e.GetProperty("kind").GetString() == "sign_in_succeeded");
        Assert.True(local.GetProperty("localNetwork").GetBoolean());
        Assert.Equal(JsonValueKind.Null, local.GetProperty("countryCode").ValueKind);
        // The download itself is in the history it exports, and in the log.
        Assert.Contains(events, e => e.GetProperty("kind").GetString() == "data_exported" && e.GetProperty("reference").GetString() == file.ReferenceCode);
        Assert.Contains(_rig.Events.Events, e => e.Kind == SecurityEventKind.DataExported && e.AccountId == account.Id);

        var request = Assert.Single(root.GetProperty("supportRequests").EnumerateArray());
        Assert.Equal("R2D2-C3P0", request.GetProperty("number").GetString());
        Assert.Equal("not_me", request.GetProperty("kind").GetString());
        Assert.Equal("open", request.GetProperty("status").GetString());
        // What a requester typed is not the owner's to read.
        Assert.DoesNotContain("call me on", Encoding.UTF8.GetString(file.Json), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_export_contains_no_secret()
    {
        var (account, secrets, current) = await FullAccountAsync();

        var file = await Export().ExportAsync(account, current.Id, TwoFactorRig.Client, Ct);

        var text = Encoding.UTF8.GetString(file.Json);
        Assert.NotEmpty(secrets);
        foreach (var secret in secrets)
            Assert.False(text.Contains(secret, StringComparison.OrdinalIgnoreCase), $"The export contains a secret: {secret}");
        Assert.DoesNotContain("$argon2", text, StringComparison.Ordinal);
        Assert.DoesNotContain("protected:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_history_is_capped_and_says_so()
    {
        var account = _rig.AddAccount("busy");
        for (var i = 0; i < AccountDataExport.MaxEvents + 5; i++)
            _rig.Events.Events.Add(SecurityEvent.Of(SecurityEventKind.SignInFailed, _rig.Clock.GetUtcNow().AddSeconds(-i), TwoFactorRig.Client,
                "AAAA-AAAA", account.Id, "busy", "wrong_password"));

        var file = await Export().ExportAsync(account, null, TwoFactorRig.Client, Ct);

        using var json = JsonDocument.Parse(file.Json);
        Assert.Equal(AccountDataExport.MaxEvents, json.RootElement.GetProperty("securityEvents").GetArrayLength());
        Assert.False(json.RootElement.GetProperty("securityEventsComplete").GetBoolean());
    }

    [Fact]
    public async Task Deleting_without_the_confirmation_deletes_nothing_and_names_the_field()
    {
        var account = _rig.AddAccount("carol");

        var result = await Deletion().DeleteAsync(new AccountDeletionRequest(account, false, TwoFactorRig.Client), Ct);

        Assert.False(result.Deleted);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("Understood", "account_deletion.not_confirmed"), (problem.Field, problem.Code));
        Assert.Empty(_data.Deletions);
    }

    [Fact]
    public async Task Deleting_writes_the_audit_event_and_notices_to_every_verified_address_only()
    {
        var account = _rig.AddAccount("dave", confirmedPhone: "+351912345678");
        account.RecoveryEmail = "dave.backup@example.org";
        account.RecoveryEmailVerifiedAt = TwoFactorRig.Now.AddDays(-1);
        account.SecurityAlertsBySms = true;

        var result = await Deletion().DeleteAsync(new AccountDeletionRequest(account, true, TwoFactorRig.Client), Ct);

        Assert.True(result.Deleted);
        var (accountId, notices, deleted) = Assert.Single(_data.Deletions);
        Assert.Equal(account.Id, accountId);
        Assert.Equal(SecurityEventKind.AccountDeleted, deleted.Kind);
        Assert.Equal(account.Id, deleted.AccountId);
        Assert.Equal(result.ReferenceCode, deleted.ReferenceCode);
        Assert.Equal(TwoFactorRig.Client.IpAddress, deleted.IpAddress);
        Assert.Equal(["+351912345678", "dave.backup@example.org", "dave@example.com"], notices.Select(n => n.To).Order());
        Assert.All(notices, n => Assert.Equal("account-deleted", n.Template));
        Assert.All(notices, n => Assert.Equal(result.ReferenceCode, n.ReferenceCode));
        var email = notices.First(n => n.To == "dave@example.com");
        Assert.Contains("Your Threshold account was deleted", email.Subject, StringComparison.Ordinal);
        Assert.Contains("If you did not, someone else was signed in to your account.", email.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("http", email.TextBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unverified_addresses_get_no_notice()
    {
        var account = _rig.AddAccount("erin");
        account.EmailConfirmed = false;
        account.RecoveryEmail = "erin.backup@example.org";

        Assert.True((await Deletion().DeleteAsync(new AccountDeletionRequest(account, true, TwoFactorRig.Client), Ct)).Deleted);

        Assert.Empty(Assert.Single(_data.Deletions).Notices);
    }

    /// <summary>
    /// An account with everything: a password, an authenticator app, a passkey, backup codes, a phone,
    /// a recovery email, two sessions, history and support requests. Returns the secrets among it.
    /// </summary>
    private async Task<(Account Account, List<string> Secrets, Session Current)> FullAccountAsync()
    {
        var account = _rig.AddAccount("alice", confirmedPhone: "+351912345678");
        var secrets = new List<string> { account.PasswordHash!, account.SecurityStamp! };

        var totpKey = await _rig.EnrolTotpAsync(account, Ct);
        secrets.Add(totpKey);
        secrets.Add(Convert.ToBase64String(Base32(totpKey)));
        secrets.Add(Convert.ToHexString(Base32(totpKey)));
        secrets.Add((await _rig.Factors.ConfirmedTotpAsync(account.Id, Ct))!.ProtectedSecret);
        // The fields the in-memory store does not keep are set on the copy the export is given, as a page would load it.
        account = _rig.Fresh(account);
        account.RecoveryEmail = "alice.backup@example.org";
        account.RecoveryEmailVerifiedAt = TwoFactorRig.Now.AddDays(-2);
        account.PasswordChangedAt = TwoFactorRig.Now.AddDays(-3);

        var codes = await _rig.BackupCodes.RenewAsync(account, TwoFactorRig.Client, Ct);
        secrets.AddRange(codes);
        secrets.AddRange(_rig.Factors.AllBackupCodes.Select(c => c.Hash));

        var credentialId = Guid.NewGuid().ToByteArray();
        await _rig.Factors.AddPasskeyAsync(account.Id, new UserPasskeyInfo(credentialId, [9, 8, 7, 6, 5, 4, 3, 2], TwoFactorRig.Now, 0, ["usb"],
            true, false, false, [1, 2, 3], [4, 5, 6]) { Name = "Office key" }, new([], SecurityEvent.Of(SecurityEventKind.FactorEnrolled,
            TwoFactorRig.Now, TwoFactorRig.Client, "PPPP-PPPP", account.Id)), Ct);
        secrets.Add(Convert.ToBase64String(credentialId));

        var current = NewSession(account.Id, "Mozilla/5.0 (this one)", "198.51.100.7");
        var other = NewSession(account.Id, "Mozilla/5.0 (the other)", "198.51.100.8");
        other.PasskeyState = "{\"challenge\":\"passkey-state-secret\"}";
        await _rig.Sessions.CreateAsync(current, Ct);
        await _rig.Sessions.CreateAsync(other, Ct);
        secrets.AddRange([current.TokenHash, other.TokenHash, "passkey-state-secret"]);

        _rig.Events.Events.Add(SecurityEvent.Of(SecurityEventKind.SignInSucceeded, TwoFactorRig.Now.AddHours(-2),
            new ClientInfo("192.168.1.5", "Mozilla/5.0 (home)") { DeviceHash = "device-hash-secret", Place = GeoPlace.LocalNetwork },
            "L0CA-LNET", account.Id, "alice"));
        _rig.Events.Events.Add(SecurityEvent.Of(SecurityEventKind.SignInFailed, TwoFactorRig.Now.AddHours(-1),
            new ClientInfo("203.0.113.50", "Mozilla/5.0 (Lisbon)") { Place = new GeoPlace("PT", "Lisbon") },
            "K7F3-9QX2", account.Id, "alice", "wrong_password"));
        secrets.Add("device-hash-secret");

        _data.Requests.Add(new SupportRequest
        {
            Id = Guid.NewGuid(), Number = "R2D2-C3P0", CreatedAt = TwoFactorRig.Now.AddMinutes(-30), Kind = SupportRequestKind.NotMe,
            AccountId = account.Id, Contact = "someone@example.net", Description = "call me on 555", EventReference = "K7F3-9QX2",
        });
        _data.Requests.Add(new SupportRequest
        {
            Id = Guid.NewGuid(), Number = "CL0S-ED22", CreatedAt = TwoFactorRig.Now.AddDays(-9), Kind = SupportRequestKind.CantSignIn,
            Status = SupportRequestStatus.Closed, AccountId = account.Id,
        });
        _data.Requests.Add(new SupportRequest
        {
            Id = Guid.NewGuid(), Number = "0THE-R222", CreatedAt = TwoFactorRig.Now, Kind = SupportRequestKind.CantSignIn, AccountId = Guid.NewGuid(),
        });
        return (account, secrets, current);
    }

    private Session NewSession(Guid accountId, string userAgent, string ip) => new()
    {
        Id = Guid.NewGuid(), AccountId = accountId, TokenHash = Secrets.SecretToken.Hash(Secrets.SecretToken.New()),
        CreatedAt = _rig.Clock.GetUtcNow().AddHours(-3), LastSeenAt = _rig.Clock.GetUtcNow().AddMinutes(-1),
        ExpiresAt = _rig.Clock.GetUtcNow().AddHours(21), AuthenticatedAt = _rig.Clock.GetUtcNow().AddHours(-3), IpAddress = ip, UserAgent = userAgent,
    };

    private static byte[] Base32(string key) => OtpNet.Base32Encoding.ToBytes(key.Replace(" ", "", StringComparison.Ordinal));
}
