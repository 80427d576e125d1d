using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Flows.Recovery;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Core.Sessions;
using Threshold.Core.Support;

namespace Threshold.Store;

/// <summary>
/// One model for every provider; each provider project keeps its own migrations.
/// Identity's tables hold accounts so later factors can use Identity's stores.
/// </summary>
public class ThresholdDbContext(DbContextOptions<ThresholdDbContext> options)
    : IdentityDbContext<Account, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Session> Sessions => Set<Session>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<SecurityEvent> SecurityEvents => Set<SecurityEvent>();
    public DbSet<EmailVerification> EmailVerifications => Set<EmailVerification>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<PasswordHistoryEntry> PasswordHistory => Set<PasswordHistoryEntry>();
    public DbSet<ResetTicket> ResetTickets => Set<ResetTicket>();
    public DbSet<TotpAuthenticator> TotpAuthenticators => Set<TotpAuthenticator>();
    public DbSet<OneTimeCode> OneTimeCodes => Set<OneTimeCode>();
    public DbSet<BackupCode> BackupCodes => Set<BackupCode>();
    public DbSet<PendingSignIn> PendingSignIns => Set<PendingSignIn>();
    public DbSet<SupportRequest> SupportRequests => Set<SupportRequest>();
    public DbSet<AgentAuditEntry> AgentAudit => Set<AgentAuditEntry>();
    public DbSet<AgentInvitation> AgentInvitations => Set<AgentInvitation>();
    public DbSet<FactorReset> FactorResets => Set<FactorReset>();

    private bool IsSqlite => Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite";

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite cannot compare DateTimeOffset stored as text; store UTC ticks so ordering and ranges work.
        if (IsSqlite)
            builder.Properties<DateTimeOffset>().HaveConversion<UtcTicksConverter>();
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        DefenseModel.Configure(builder);
        builder.Entity<Account>(a =>
        {
            a.ToTable("Accounts");
            // Identity indexes NormalizedEmail without uniqueness; an email belongs to one account.
            a.HasIndex(x => x.NormalizedEmail).IsUnique();
            a.Property(x => x.RecoveryEmail).HasMaxLength(256);
            a.Property(x => x.NormalizedRecoveryEmail).HasMaxLength(256);
            // Not unique: one person's address may be the way back into several accounts (a family's, say).
            a.HasIndex(x => x.NormalizedRecoveryEmail);
            // Signed-out lookups by phone (forgot password or username, "Can't sign in?") and the console's
            // search would otherwise read the whole table (bench/RESULTS.md, "Support console").
            a.HasIndex(x => x.PhoneNumber);
        });

        // Identity maps its passkey table only under schema version 3, which it reads from the
        // app's IdentityOptions; contexts made without the app (design time, store tests) would
        // then build another model. Mapping it here, as schema 3 does, keeps one model everywhere.
        builder.Entity<IdentityUserPasskey<Guid>>(p =>
        {
            p.ToTable("AspNetUserPasskeys");
            p.HasKey(x => x.CredentialId);
            p.Property(x => x.CredentialId).HasMaxLength(1024);
            p.OwnsOne(x => x.Data).ToJson();
            p.HasIndex(x => x.UserId);
            p.HasOne<Account>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Session>(s =>
        {
            s.Property(x => x.PasskeyState).HasMaxLength(8192);
            s.HasIndex(x => x.TokenHash).IsUnique();
            s.HasIndex(x => x.AccountId);
            s.Property(x => x.TokenHash).HasMaxLength(64);
            s.Property(x => x.IpAddress).HasMaxLength(64);
            s.Property(x => x.UserAgent).HasMaxLength(SecurityEvent.MaxTextLength);
            s.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<EmailVerification>(v =>
        {
            v.HasIndex(x => x.TokenHash).IsUnique();
            v.Property(x => x.TokenHash).HasMaxLength(64);
            v.Property(x => x.BrowserBindingHash).HasMaxLength(64);
            v.Property(x => x.NormalizedEmail).HasMaxLength(256);
            v.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<PasswordHistoryEntry>(h =>
        {
            h.ToTable("PasswordHistory");
            h.HasIndex(x => new { x.AccountId, x.ReplacedAt });
            h.Property(x => x.PasswordHash).HasMaxLength(256);
            h.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<ResetTicket>(t =>
        {
            t.HasIndex(x => x.SecretHash).IsUnique();
            t.HasIndex(x => new { x.RequestKey, x.CreatedAt });
            t.HasIndex(x => new { x.Destination, x.CreatedAt });
            t.HasIndex(x => x.BrowserBindingHash);
            t.Property(x => x.RequestKey).HasMaxLength(256);
            t.Property(x => x.SecretHash).HasMaxLength(64);
            t.Property(x => x.BrowserBindingHash).HasMaxLength(64);
            t.Property(x => x.SecurityStamp).HasMaxLength(64);
            t.Property(x => x.Destination).HasMaxLength(320);
            t.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<TotpAuthenticator>(t =>
        {
            t.HasIndex(x => x.AccountId);
            t.Property(x => x.ProtectedSecret).HasMaxLength(1024);
            t.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OneTimeCode>(c =>
        {
            c.HasIndex(x => new { x.AccountId, x.Purpose, x.Binding, x.CreatedAt });
            c.Property(x => x.Destination).HasMaxLength(320);
            c.Property(x => x.CodeHash).HasMaxLength(64);
            c.Property(x => x.Binding).HasMaxLength(128);
            c.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<BackupCode>(c =>
        {
            c.HasIndex(x => x.AccountId);
            c.Property(x => x.Hash).HasMaxLength(256);
            c.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<PendingSignIn>(p =>
        {
            p.HasIndex(x => x.TokenHash).IsUnique();
            p.HasIndex(x => x.ExpiresAt);
            p.Property(x => x.TokenHash).HasMaxLength(64);
            p.Property(x => x.PasskeyState).HasMaxLength(8192);
            p.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<OutboxMessage>(m =>
        {
            m.HasIndex(x => new { x.SentAt, x.NextAttemptAt });
            m.Property(x => x.Template).HasMaxLength(64);
            m.Property(x => x.To).HasMaxLength(320);
            m.Property(x => x.Subject).HasMaxLength(512);
            m.Property(x => x.ReferenceCode).HasMaxLength(9);
            m.Property(x => x.LastError).HasMaxLength(1024);
        });

        builder.Entity<SecurityEvent>(e =>
        {
            e.HasIndex(x => new { x.AccountId, x.At });
            e.HasIndex(x => x.ReferenceCode);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(64);
            e.Property(x => x.Identifier).HasMaxLength(SecurityEvent.MaxTextLength);
            e.Property(x => x.Reason).HasMaxLength(64);
            e.Property(x => x.IpAddress).HasMaxLength(64);
            e.Property(x => x.UserAgent).HasMaxLength(SecurityEvent.MaxTextLength);
            e.Property(x => x.ReferenceCode).HasMaxLength(9);
            e.Property(x => x.DeviceHash).HasMaxLength(64);
            e.Property(x => x.CountryCode).HasMaxLength(2);
            e.Property(x => x.City).HasMaxLength(SecurityEvent.MaxTextLength);
        });

        builder.Entity<SupportRequest>(r =>
        {
            r.HasIndex(x => x.Number).IsUnique();
            r.HasIndex(x => new { x.Status, x.CreatedAt });
            // The closed list is newest-closed first, and closed requests only accumulate.
            r.HasIndex(x => new { x.Status, x.ClosedAt });
            r.HasIndex(x => x.AccountId);
            r.Property(x => x.Number).HasMaxLength(9);
            r.Property(x => x.Kind).HasConversion<string>().HasMaxLength(32);
            r.Property(x => x.Status).HasConversion<string>().HasMaxLength(32);
            r.Property(x => x.Contact).HasMaxLength(SupportRequest.MaxContactLength);
            r.Property(x => x.Description).HasMaxLength(SupportRequest.MaxDescriptionLength);
            r.Property(x => x.EventReference).HasMaxLength(9);
            r.Property(x => x.ClosingNote).HasMaxLength(SupportRequest.MaxNoteLength);
            // The request outlives a deleted account: support still sees what was asked.
            r.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.SetNull);
        });

        // Append-only: the migrations add triggers that refuse UPDATE and DELETE on this table.
        builder.Entity<AgentAuditEntry>(a =>
        {
            a.ToTable("AgentAudit");
            a.HasIndex(x => x.At);
            a.HasIndex(x => new { x.AccountId, x.At });
            a.HasIndex(x => new { x.AgentId, x.AccountId, x.Action, x.At });
            a.HasIndex(x => x.FormToken).IsUnique();
            a.Property(x => x.AgentName).HasMaxLength(256);
            a.Property(x => x.Action).HasConversion<string>().HasMaxLength(32);
            a.Property(x => x.Outcome).HasConversion<string>().HasMaxLength(16);
            a.Property(x => x.RequestNumber).HasMaxLength(9);
            a.Property(x => x.Reason).HasMaxLength(AgentAuditEntry.MaxReasonLength);
            a.Property(x => x.Detail).HasMaxLength(64);
            a.Property(x => x.FormToken).HasMaxLength(64);
            a.Property(x => x.IpAddress).HasMaxLength(64);
            a.Property(x => x.ReferenceCode).HasMaxLength(9);
        });

        // The agents' role exists from the start, so two enrolments at once never race to create it.
        builder.Entity<IdentityRole<Guid>>().HasData(new IdentityRole<Guid>
        {
            Id = EfAgentDirectory.RoleId, Name = EfAgentDirectory.RoleName, NormalizedName = EfAgentDirectory.NormalizedRoleName,
            ConcurrencyStamp = "agent-role",
        });

        builder.Entity<AgentInvitation>(i =>
        {
            i.HasIndex(x => x.TokenHash).IsUnique();
            i.Property(x => x.TokenHash).HasMaxLength(64);
            i.Property(x => x.NormalizedEmail).HasMaxLength(256);
        });

        builder.Entity<FactorReset>(f =>
        {
            f.HasIndex(x => x.CancelTokenHash).IsUnique();
            f.HasIndex(x => new { x.AccountId, x.RequestedAt });
            f.HasIndex(x => x.DueAt);
            f.Property(x => x.CancelTokenHash).HasMaxLength(64);
            f.Property(x => x.RequestNumber).HasMaxLength(9);
            f.HasOne<Account>().WithMany().HasForeignKey(x => x.AccountId).OnDelete(DeleteBehavior.Cascade);
        });
    }

    private sealed class UtcTicksConverter() : ValueConverter<DateTimeOffset, long>(
        v => v.UtcTicks, v => new DateTimeOffset(v, TimeSpan.Zero));
}
