using Microsoft.AspNetCore.Identity;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;

namespace Threshold.Core.Factors.Passkeys;

/// <summary>
/// Passkeys and security keys (WebAuthn): the ceremonies themselves are ASP.NET Core
/// Identity's passkey handler in the web host; this keeps the list, with a notification
/// and an event for every addition and removal.
/// </summary>
public sealed class PasskeyChanges(IFactorStore store, FactorChanges changes, TimeProvider clock)
{
    public async Task AddAsync(Account account, UserPasskeyInfo passkey, string? typedName, ClientInfo client, CancellationToken ct = default)
    {
        passkey.Name = PasskeyNames.Clean(typedName) ?? PasskeyNames.Clean(passkey.Name) ?? "Passkey " + clock.GetUtcNow().ToString("yyyy-MM-dd");
        await store.AddPasskeyAsync(account.Id, passkey,
            changes.Describe(account, "passkey-added", SecurityEventKind.FactorEnrolled, client, ReferenceCode.New()), ct);
    }

    public Task<bool> RemoveAsync(Account account, byte[] credentialId, ClientInfo client, CancellationToken ct = default) =>
        store.RemovePasskeyAsync(account.Id, credentialId,
            changes.Describe(account, "passkey-removed", SecurityEventKind.FactorRemoved, client, ReferenceCode.New()), ct);

    public Task<bool> RenameAsync(Account account, byte[] credentialId, string? typedName, CancellationToken ct = default) =>
        PasskeyNames.Clean(typedName) is { } name ? store.RenamePasskeyAsync(account.Id, credentialId, name, ct) : Task.FromResult(false);
}
