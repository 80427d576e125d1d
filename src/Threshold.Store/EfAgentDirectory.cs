using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Support;

namespace Threshold.Store;

/// <summary>The agent role lives in Identity's role tables (AspNetRoles, AspNetUserRoles).</summary>
public sealed class EfAgentDirectory(ThresholdDbContext db) : IAgentDirectory
{
    public const string RoleName = "Agent";
    public const string NormalizedRoleName = "AGENT";
    /// <summary>The role's fixed id, seeded by the migrations.</summary>
    public static readonly Guid RoleId = new("6a1f0c3e-2b7d-4e59-9c4a-5f8e1d2a7b90");

    public Task<bool> IsAgentAsync(Guid accountId, CancellationToken ct = default) =>
        db.UserRoles.AnyAsync(r => r.UserId == accountId && r.RoleId == RoleId, ct);

    public async Task GrantAsync(Guid accountId, CancellationToken ct = default)
    {
        await AddRoleAsync(accountId, ct);
        await db.SaveChangesAsync(ct);
    }

    public async Task<bool> RevokeAsync(Guid accountId, AgentAuditEntry audit, CancellationToken ct = default)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        if (await db.UserRoles.Where(r => r.UserId == accountId && r.RoleId == RoleId).ExecuteDeleteAsync(ct) == 0) return false;
        db.AgentAudit.Add(audit);
        try { await db.SaveChangesAsync(ct); }
        finally { db.ChangeTracker.Clear(); }
        await transaction.CommitAsync(ct);
        return true;
    }

    public async Task<IReadOnlyList<Guid>> AgentIdsAsync(CancellationToken ct = default) =>
        await db.UserRoles.Where(r => r.RoleId == RoleId)
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

    /// <summary>Adds the (seeded) role unless the account already holds it.</summary>
    private async Task AddRoleAsync(Guid accountId, CancellationToken ct)
    {
        if (await db.UserRoles.AnyAsync(r => r.UserId == accountId && r.RoleId == RoleId, ct)) return;
        db.UserRoles.Add(new IdentityUserRole<Guid> { UserId = accountId, RoleId = RoleId });
    }
}
