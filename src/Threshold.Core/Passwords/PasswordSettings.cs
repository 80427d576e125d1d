namespace Threshold.Core.Passwords;

/// <summary>Bound from the "Passwords" configuration section.</summary>
public class PasswordSettings
{
    /// <summary>NIST 800-63B-4 and ASVS 6.2.1 floor. 15 is recommended for single-factor accounts.</summary>
    public int MinLength { get; set; } = 8;
    /// <summary>Long enough for passphrases (ASVS 6.2.9 asks for at least 64), short enough to bound hashing work.</summary>
    public int MaxLength { get; set; } = 256;
    /// <summary>Words that must not make up a password: the service's own name and its variants.</summary>
    public string[] ServiceWords { get; set; } = ["threshold"];
    /// <summary>How many of the ranked common passwords to refuse.</summary>
    public int CommonPasswordCount { get; set; } = 30_000;
    public Argon2Settings Argon2 { get; set; } = new();
    /// <summary>
    /// Sign in with a Caps-Lock-inverted or first-letter-case variant (NIST 800-63B-4 allows the
    /// latter). Off by default: ASVS 6.2.8 asks that a password be verified exactly as typed.
    /// </summary>
    public bool AcceptTypoVariants { get; set; }
    /// <summary>
    /// Extra hash verifications a failed sign-in spends on typo variants and recent old
    /// passwords. Every failed attempt spends exactly this many, account or no account. 0 turns hints off.
    /// </summary>
    public int HintBudget { get; set; } = 4;
    /// <summary>How many earlier passwords are kept (refused on change, recognised at sign-in).</summary>
    public int HistoryLength { get; set; } = 3;
    /// <summary>How long after a change an old password still earns the "changed on" hint.</summary>
    public TimeSpan OldPasswordHintWindow { get; set; } = TimeSpan.FromDays(365);
}

/// <summary>OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane.</summary>
public class Argon2Settings
{
    public int MemoryKiB { get; set; } = 19 * 1024;
    public int Iterations { get; set; } = 2;
    public int Parallelism { get; set; } = 1;
}
