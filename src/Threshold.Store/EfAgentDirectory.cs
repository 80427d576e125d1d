using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Support;

namespace Threshold.Store;

/// <summary>The agent role lives in Identity's role tables (AspNetRoles, AspNetUserRoles).</summary>
public sealed class EfAgentDirectory(ThresholdDbContext db) : IAgentDirectory
{
    public const string RoleName = "Agent";
    private const string NormalizedRoleName = "AGENT";

    public Task<bool> IsAgentAsync(Guid accountId, CancellationToken ct = default) =>
        db.UserRoles.AnyAsync(r => r.UserId == accountId && db.Roles.Any(role => role.Id == r.RoleId && role.NormalizedName == NormalizedRoleName), ct);

    public async Task GrantAsync(Guid accountId, CancellationToken ct = default)
    {
        await AddRoleAsync(accountId, ct);
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> RevokeAsync(Guid accountId, CancellationToken ct = default) =>
        await db.UserRoles.Where(r => r.UserId == accountId && db.Roles.Any(role => role.Id == r.RoleId && role.NormalizedName == NormalizedRoleName))
            .ExecuteDeleteAsync(ct) > 0;

    public async Task<IReadOnlyList<Guid>> AgentIdsAsync(CancellationToken ct = default) =>
        await db.UserRoles.Where(r => db.Roles.Any(role => role.Id == r.RoleId && role.NormalizedName == NormalizedRoleName))
            .Select(r => r.UserId).ToListAsync(ct);

    public async Task AddInvitationAsync(AgentInvitation invitation, CancellationToken ct = default)
    {
        db.AgentInvitations.Add(invitation);
        await db.SaveChangesAsync(ct);
    }

    public Task<AgentInvitation?> FindInvitationAsync(string tokenHash, CancellationToken ct = default) =>
        db.AgentInvitations.AsNoTracking().FirstOrDefaultAsync(i => i.TokenHash == tokenHash, ct);

    public async Task<IReadOnlyList<AgentInvitation>> OpenInvitationsAsync(DateTimeOffset now, CancellationToken ct = default) =>
        await db.AgentInvitations.AsNoTracking().Where(i => i.AcceptedAt == null && i.ExpiresAt > now)
            .OrderBy(i => i.ExpiresAt).ToListAsync(ct);

    public Task<int> WithdrawInvitationsAsync(string normalizedEmail, DateTimeOffset at, CancellationToken ct = default) =>
        db.AgentInvitations.Where(i => i.NormalizedEmail == normalizedEmail && i.AcceptedAt == null && i.ExpiresAt > at)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.ExpiresAt, at), ct);

    public async Task<bool> TryAcceptAsync(Guid invitationId, Guid accountId, DateTimeOffset at, AgentAuditEntry audit, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var taken = await db.AgentInvitations.Where(i => i.Id == invitationId && i.AcceptedAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(i => i.AcceptedAt, at).SetProperty(i => i.AcceptedBy, accountId), ct);
        if (taken != 1) return false;
        await AddRoleAsync(accountId, ct);
        db.AgentAudit.Add(audit);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return true;
    }

    /// <summary>Adds the role (creating it the first time) unless the account already holds it.</summary>
    private async Task AddRoleAsync(Guid accountId, CancellationToken ct)
    {
        var role = await db.Roles.FirstOrDefaultAsync(r => r.NormalizedName == NormalizedRoleName, ct);
        if (role is null)
        {
            role = new IdentityRole<Guid> { Id = Guid.NewGuid(), Name = RoleName, NormalizedName = NormalizedRoleName, ConcurrencyStamp = Guid.NewGuid().ToString() };
            db.Roles.Add(role);
        }
        else if (await db.UserRoles.AnyAsync(r => r.UserId == accountId && r.RoleId == role.Id, ct)) return;
        db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = accountId, RoleId = role.Id });
    }
}
