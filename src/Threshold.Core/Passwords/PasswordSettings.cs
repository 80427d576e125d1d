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
}

/// <summary>OWASP's Argon2id baseline: 19 MiB, 2 passes, 1 lane.</summary>
public class Argon2Settings
{
    public int MemoryKiB { get; set; } = 19 * 1024;
    public int Iterations { get; set; } = 2;
    public int Parallelism { get; set; } = 1;
}
