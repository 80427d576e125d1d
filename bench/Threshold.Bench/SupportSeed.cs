using System.Diagnostics;
using Microsoft.EntityFrameworkCore;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Support;
using Threshold.Store;

namespace Threshold.Bench;

/// <summary>What the support benchmark looks for: values that exist, each with the account it must find.</summary>
internal sealed record SupportTargets(
    IReadOnlyList<(string Typed, Guid Account)> Emails,
    IReadOnlyList<(string Typed, Guid Account)> RecoveryEmails,
    IReadOnlyList<(string Typed, Guid Account)> Usernames,
    IReadOnlyList<(string Typed, Guid Account)> Phones,
    IReadOnlyList<(string Typed, Guid Account)> EventCodes,
    IReadOnlyList<(string Typed, Guid? Account)> RequestNumbers,
    Guid TimelineAccount,
    int Events,
    int OpenRequests,
    int ClosedRequests,
    TimeSpan AccountsTook,
    TimeSpan EventsTook,
    TimeSpan RequestsTook);

/// <summary>
/// Fills a fresh SQLite file the way a live system looks to support: every account with a
/// verified email and a few security events, a third with a confirmed phone, a fifth with a
/// verified recovery email, one long-lived account with a long timeline, and a queue of open and
/// closed requests. Rows go in through the real DbContext, in batches with change detection off
/// (each batch one transaction), so 100,000 accounts take about a minute rather than an hour.
/// </summary>
internal static class SupportSeed
{
    private const int BatchSize = 5_000;
    private const int EventsPerAccount = 3;

    private static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.5 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (X11; Linux x86_64; rv:145.0) Gecko/20100101 Firefox/145.0",
    ];

    private static readonly string[] Countries = ["PT", "DE", "GB", "US", "BR", "JP"];

    private static readonly SecurityEventKind[] TimelineKinds =
    [
        SecurityEventKind.SignInSucceeded, SecurityEventKind.SignInSucceeded, SecurityEventKind.SignInSucceeded,
        SecurityEventKind.SignInFailed, SecurityEventKind.SecondFactorFailed, SecurityEventKind.SignedOut,
        SecurityEventKind.PasswordChanged, SecurityEventKind.PasswordResetRequested, SecurityEventKind.FactorEnrolled,
        SecurityEventKind.RecoveryInfoChanged, SecurityEventKind.CodeSent, SecurityEventKind.SessionEnded,
    ];

    public static async Task<SupportTargets> SeedAsync(DbContextOptions<ThresholdDbContext> options, int accounts, int timelineEvents,
        int openRequests, int closedRequests)
    {
        await using (var db = new ThresholdDbContext(options))
        {
            await db.Database.MigrateAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;"); // as the server sets it at start-up
        }

        var random = new Random(8);
        var now = DateTimeOffset.UtcNow;
        var ids = new Guid[accounts];
        var emails = new List<(string, Guid)>();
        var recovery = new List<(string, Guid)>();
        var usernames = new List<(string, Guid)>();
        var phones = new List<(string, Guid)>();
        var codes = new List<(string, Guid)>();

        var watch = Stopwatch.StartNew();
        await InBatchesAsync(options, accounts, (db, i) =>
        {
            var account = NewAccount(i, now.AddDays(-random.Next(1, 1_000)));
            ids[i] = account.Id;
            if (i % 3 == 1)
            {
                var nsn = $"794{i:D7}"; // a UK mobile number: 07940 000001 …
                account.PhoneNumber = "+44" + nsn;
                account.PhoneNumberConfirmed = true;
                phones.Add(($"0{nsn[..4]} {nsn[4..]}", account.Id));
            }
            if (i % 5 == 2)
            {
                account.RecoveryEmail = $"backup{i:D7}@example.net";
                account.NormalizedRecoveryEmail = account.RecoveryEmail.ToUpperInvariant();
                account.RecoveryEmailVerifiedAt = account.CreatedAt.AddDays(1);
                recovery.Add((account.RecoveryEmail, account.Id));
            }
            emails.Add((account.Email!, account.Id));
            usernames.Add((account.UserName!, account.Id));
            db.Users.Add(account);
        });
        var accountsTook = watch.Elapsed;

        // Account 0 is the long-lived one: its timeline has timelineEvents entries, every other account has a few.
        watch.Restart();
        var heavy = ids[0];
        var eventCount = 0;
        var rows = (accounts - 1) * EventsPerAccount + timelineEvents;
        await InBatchesAsync(options, rows, (db, n) =>
        {
            var (account, at, kind) = n < timelineEvents
                ? (heavy, now.AddMinutes(-n * 37), TimelineKinds[random.Next(TimelineKinds.Length)])
                : EventOf(ids, (n - timelineEvents) / EventsPerAccount + 1, (n - timelineEvents) % EventsPerAccount, now, random);
            var e = NewEvent(account, at, kind, random);
            if (n >= timelineEvents) codes.Add((e.ReferenceCode, account));
            db.SecurityEvents.Add(e);
            eventCount++;
        });
        var eventsTook = watch.Elapsed;

        watch.Restart();
        var numbers = new List<(string, Guid?)>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        await InBatchesAsync(options, openRequests + closedRequests, (db, n) =>
        {
            var request = NewRequest(n < openRequests, now.AddMinutes(-(openRequests + closedRequests - n) * 11), ids, random);
            while (!taken.Add(request.Number)) request.Number = ReferenceCode.New();
            if (n < openRequests) numbers.Add((request.Number, request.AccountId));
            db.SupportRequests.Add(request);
        });
        var requestsTook = watch.Elapsed;

        return new(emails, recovery, usernames, phones, codes, numbers, heavy, eventCount, openRequests, closedRequests,
            accountsTook, eventsTook, requestsTook);
    }

    /// <summary>One context per batch, change detection off, one SaveChanges (one transaction) per batch.</summary>
    private static async Task InBatchesAsync(DbContextOptions<ThresholdDbContext> options, int count, Action<ThresholdDbContext, int> add)
    {
        for (var done = 0; done < count; done += BatchSize)
        {
            await using var db = new ThresholdDbContext(options);
            db.ChangeTracker.AutoDetectChangesEnabled = false;
            for (var i = done; i < Math.Min(count, done + BatchSize); i++) add(db, i);
            await db.SaveChangesAsync();
        }
    }

    private static Account NewAccount(int i, DateTimeOffset created)
    {
        var name = $"customer{i:D7}";
        var email = $"{name}@example.com";
        return new Account
        {
            Id = Guid.NewGuid(), CreatedAt = created,
            UserName = name, NormalizedUserName = Identifiers.Normalize(name),
            Email = email, NormalizedEmail = Identifiers.Normalize(email), EmailConfirmed = true, EmailVerifiedAt = created,
            // Shaped like a real Argon2id hash so rows are their real size; nothing ever verifies it.
            PasswordHash = "$argon2id$v=19$m=19456,t=2,p=1$YmVuY2hzYWx0YmVuY2hzYQ$" + Convert.ToBase64String(Guid.NewGuid().ToByteArray()) + "bench-only-not-a-hash",
            SecurityStamp = Guid.NewGuid().ToString("N").ToUpperInvariant(), ConcurrencyStamp = Guid.NewGuid().ToString(),
        };
    }

    /// <summary>An ordinary account's history: registered, verified its email, signed in.</summary>
    private static (Guid, DateTimeOffset, SecurityEventKind) EventOf(Guid[] ids, int account, int nth, DateTimeOffset now, Random random) =>
        (ids[account], now.AddMinutes(-random.Next(1, 500_000)), nth switch
        {
            0 => SecurityEventKind.Registered,
            1 => SecurityEventKind.EmailVerified,
            _ => random.Next(4) == 0 ? SecurityEventKind.SignInFailed : SecurityEventKind.SignInSucceeded,
        });

    private static SecurityEvent NewEvent(Guid account, DateTimeOffset at, SecurityEventKind kind, Random random) => new()
    {
        Id = Guid.NewGuid(), At = at, Kind = kind, AccountId = account, ReferenceCode = ReferenceCode.New(),
        Reason = kind switch
        {
            SecurityEventKind.SignInSucceeded => "password+totp",
            SecurityEventKind.SignInFailed => "wrong_password",
            SecurityEventKind.SecondFactorFailed => "wrong_code",
            _ => null,
        },
        IpAddress = $"203.0.113.{random.Next(1, 255)}", DeviceHash = $"device-{random.Next(50)}",
        UserAgent = UserAgents[random.Next(UserAgents.Length)],
        CountryCode = Countries[random.Next(Countries.Length)], City = "Somewhere",
    };

    /// <summary>Half the requests matched an account by their contact; open ones wait, closed ones were closed by someone.</summary>
    private static SupportRequest NewRequest(bool open, DateTimeOffset created, Guid[] ids, Random random)
    {
        var account = random.Next(2) == 0 ? ids[random.Next(1, ids.Length)] : (Guid?)null;
        return new SupportRequest
        {
            Id = Guid.NewGuid(), Number = ReferenceCode.New(), CreatedAt = created, Kind = SupportRequestKind.CantSignIn,
            Status = open ? SupportRequestStatus.Open : SupportRequestStatus.Closed, AccountId = account,
            Contact = $"someone{random.Next(1_000_000)}@example.org",
            Description = "I changed phones and the app with my codes is gone. I signed in from the new phone yesterday and it said my code was wrong.",
            EventReference = random.Next(3) == 0 ? ReferenceCode.New() : null,
            ClosedAt = open ? null : created.AddHours(random.Next(1, 48)), ClosedBy = open ? null : ids[0],
            ClosingNote = open ? null : "Verified by a code to the email on file; sent a reset link.",
        };
    }
}
