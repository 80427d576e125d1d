using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Activity.NotMe;
using Threshold.Core.Factors;
using Threshold.Core.Factors.BackupCodes;
using Threshold.Core.Factors.OutOfBandCode;
using Threshold.Core.Factors.Totp;
using Threshold.Core.Flows.SignIn;
using Threshold.Core.Flows.StepUp;
using Threshold.Core.Messaging;
using Threshold.Core.Passwords;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>
/// The two-step sign-in services wired to in-memory stores, a fake clock and the real
/// Argon2id hasher at cheap parameters.
/// </summary>
public sealed class TwoFactorRig
{
    /// <summary>The instant the TOTP tests ask oathtool about.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 29, 10, 0, 0, TimeSpan.Zero);
    public static readonly ClientInfo Client = new("203.0.113.9", "Mozilla/5.0 (test)");
    public const string Password = "Quiet harbour lantern 42";

    public FakeTimeProvider Clock { get; } = new(Now);
    public TwoFactorOptions Options { get; } = new();
    public PasswordSettings PasswordSettings { get; } = new() { Argon2 = new Argon2Settings { MemoryKiB = 64, Iterations = 1, Parallelism = 1 } };
    public InMemoryAccountStore Accounts { get; }
    public InMemoryFactorStore Factors { get; }
    public InMemoryPendingSignInStore Pending { get; } = new();
    public InMemorySessionStore Sessions { get; } = new();
    public RecordingEventLog Events { get; } = new();
    public FakeSecretProtector Protector { get; } = new();
    public SigningLinkProtector LinkProtector { get; } = new();
    public Argon2idPasswordHasher Hasher { get; }
    public MessageComposer Composer { get; }
    public NotMeLinks Links { get; }
    public SecurityNotices Notices { get; }
    public SignInRecorder SignIns { get; }
    public FactorChanges Changes { get; }
    public TwoFactorMethods Methods { get; }
    public AuthenticatorApp Authenticator { get; }
    public OutOfBandCodes Codes { get; }
    public BackupCodeSet BackupCodes { get; }
    public SecondStep SecondStep { get; }
    public Reauthentication Reauthentication { get; }

    public TwoFactorRig()
    {
        Accounts = new InMemoryAccountStore(Events);
        Factors = new InMemoryFactorStore(Accounts);
        Hasher = new Argon2idPasswordHasher(Microsoft.Extensions.Options.Options.Create(PasswordSettings));
        var twoFactorOptions = Microsoft.Extensions.Options.Options.Create(Options);
        var thresholdOptions = Microsoft.Extensions.Options.Options.Create(new ThresholdOptions { ServiceName = "Threshold" });
        Composer = new MessageComposer(thresholdOptions, Clock);
        Links = new NotMeLinks(LinkProtector, thresholdOptions, Clock);
        Notices = new SecurityNotices(Composer, Links);
        SignIns = new SignInRecorder(Events, Accounts, Notices, new OutboxSignal());
        Changes = new FactorChanges(Notices, Clock);
        Methods = new TwoFactorMethods(Factors, twoFactorOptions);
        Authenticator = new AuthenticatorApp(Factors, Protector, Changes, Methods, thresholdOptions, Clock);
        Codes = new OutOfBandCodes(Factors, Composer, new OutboxSignal(), twoFactorOptions, Clock);
        BackupCodes = new BackupCodeSet(Factors, Hasher, Changes, twoFactorOptions, Clock);
        SecondStep = new SecondStep(Pending, Accounts, Factors, Methods, Authenticator, Codes, BackupCodes, Events, SignIns, twoFactorOptions, Clock);
        Reauthentication = new Reauthentication(Sessions, Hasher, Methods, SecondStep, Events, twoFactorOptions, Clock);
    }

    public PasswordSignIn PasswordSignIn()
    {
        var dummy = new DummyPasswordHash(Hasher);
        var passwordOptions = Microsoft.Extensions.Options.Options.Create(PasswordSettings);
        return new PasswordSignIn(Accounts, Hasher, dummy, new FailedPasswordDiagnosis(Hasher, dummy, passwordOptions, Clock), Events, SignIns, Methods,
            passwordOptions, Microsoft.Extensions.Options.Options.Create(Options), Clock);
    }

    /// <summary>An account with a verified email and a password; stored, and returned as a copy the flows may change.</summary>
    public Account AddAccount(string username, bool emailCodes = false, string? confirmedPhone = null)
    {
        var account = new Account
        {
            Id = Guid.NewGuid(), UserName = username, NormalizedUserName = Identifiers.Normalize(username),
            Email = username + "@example.com", NormalizedEmail = Identifiers.Normalize(username + "@example.com"), EmailConfirmed = true,
            SecurityStamp = Guid.NewGuid().ToString("N"), CreatedAt = Now.AddDays(-30), EmailCodesEnabled = emailCodes,
            PhoneNumber = confirmedPhone, PhoneNumberConfirmed = confirmedPhone is not null, SmsCodesEnabled = confirmedPhone is not null,
        };
        account.PasswordHash = Hasher.HashPassword(account, Password);
        Accounts.Add(account);
        return Fresh(account);
    }

    /// <summary>The account as the store has it now.</summary>
    public Account Fresh(Account account) => Accounts.FindByIdAsync(account.Id).Result!;

    /// <summary>Sets up and confirms an authenticator app with a code from oathtool; returns its key.</summary>
    public async Task<string> EnrolTotpAsync(Account account, CancellationToken ct)
    {
        var setup = await Authenticator.BeginAsync(account, ct);
        var confirmed = await Authenticator.ConfirmAsync(account, Oathtool.Totp(setup.Base32Secret, Clock.GetUtcNow()), Client, ct);
        if (confirmed.Outcome != TotpConfirmOutcome.Confirmed) throw new InvalidOperationException("TOTP enrolment failed: " + confirmed.Outcome);
        return setup.Base32Secret;
    }

    /// <summary>The six digits of the newest code message to this destination.</summary>
    public string LastCodeSentTo(string destination)
    {
        var message = Factors.Messages.Last(m => m.To == destination && m.Template is "sign-in-code" or "confirm-phone");
        return Regex.Match(message.TextBody, @"\b\d{6}\b").Value;
    }

    /// <summary>A six-digit code that is certainly not <paramref name="code"/>.</summary>
    public static string Other(string code) => ((int.Parse(code) + 1) % 1_000_000).ToString("D6");
}
