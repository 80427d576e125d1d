using Threshold.Core.Accounts;
using Threshold.Core.Activity.Locations;
using Threshold.Core.Messaging;

namespace Threshold.Core.Activity;

/// <summary>Whether a sign-in came from a device or a country the account had not signed in from before.</summary>
public sealed record SignInNovelty(bool NewDevice, bool NewCountry)
{
    /// <summary>The account's first sign-in ever, or one from a known device and country: nothing to tell.</summary>
    public static readonly SignInNovelty Nothing = new(false, false);
    public bool Any => NewDevice || NewCountry;
}

/// <summary>
/// The one place a completed sign-in is written (password alone, password and second factor,
/// passkey). Before recording it, it asks whether this device and this country signed in to
/// the account before; if the account has signed in before and either is new, the owner's
/// "New sign-in" notice is queued in the same transaction as the event.
/// </summary>
public sealed class SignInRecorder(ISecurityEventLog events, IAccountStore accounts, SecurityNotices notices, OutboxSignal outboxSignal)
{
    /// <param name="success">A <see cref="SecurityEventKind.SignInSucceeded"/> event for this account.</param>
    public async Task<SignInNovelty> RecordAsync(Account account, SecurityEvent success, ClientInfo client, CancellationToken ct = default)
    {
        if (success.Kind != SecurityEventKind.SignInSucceeded || success.AccountId != account.Id)
            throw new ArgumentException("Only an account's own successful sign-in is recorded here.", nameof(success));
        var novelty = await NoveltyAsync(account.Id, success.DeviceHash, success.CountryCode, ct);
        var messages = novelty.Any ? notices.NewSignIn(account, novelty, client, success.At, success.ReferenceCode) : [];
        if (messages.Count == 0)
        {
            await events.RecordAsync(success, ct);
            return novelty;
        }
        await accounts.RecordAsync(messages, success, ct);
        outboxSignal.Notify();
        return novelty;
    }

    /// <summary>
    /// New device: one whose hash never signed in to the account (no hash at all counts as
    /// unrecognised). New country: a known country the account never signed in from, once it has
    /// signed in from some known country (a local network is not a country, and a location
    /// database added later does not make every country "new"). The first sign-in ever is neither.
    /// </summary>
    public async Task<SignInNovelty> NoveltyAsync(Guid accountId, string? deviceHash, string? countryCode, CancellationToken ct = default)
    {
        var firsts = await events.FirstSeenAsync(accountId, ct);
        var signedInBefore = firsts.Any || await events.CountAsync(accountId, [SecurityEventKind.SignInSucceeded], ct) > 0;
        if (!signedInBefore) return SignInNovelty.Nothing;
        var newDevice = deviceHash is null || !firsts.Devices.ContainsKey(deviceHash);
        var knownCountries = firsts.Countries.Keys.Where(IsCountry).ToList();
        var newCountry = countryCode is not null && IsCountry(countryCode) && knownCountries.Count > 0 && !knownCountries.Contains(countryCode);
        return new(newDevice, newCountry);
    }

    private static bool IsCountry(string code) => code != GeoPlace.LocalNetwork.CountryCode;
}
