namespace Threshold.Core.Defense;

/// <summary>
/// What a valid (signed, unexpired) device cookie says: a random device id and the accounts
/// that signed in successfully from it (OWASP's device cookie). The web layer signs and
/// checks the cookie; an invalid cookie is simply no device.
/// </summary>
public sealed record KnownDevice(string DeviceId, IReadOnlyList<Guid> Accounts, DateTimeOffset IssuedAt)
{
    /// <summary>How many accounts one cookie remembers (a shared family computer); the oldest drop out.</summary>
    public const int MaxAccounts = 8;

    public bool Knows(Guid accountId) => Accounts.Contains(accountId);

    /// <summary>The cookie to issue after <paramref name="accountId"/> signed in from this device (or a new one).</summary>
    public static KnownDevice After(KnownDevice? current, Guid accountId, string newDeviceId, DateTimeOffset now)
    {
        var accounts = (current?.Accounts ?? []).Where(a => a != accountId).Append(accountId).TakeLast(MaxAccounts).ToList();
        return new(current?.DeviceId ?? newDeviceId, accounts, now);
    }
}
