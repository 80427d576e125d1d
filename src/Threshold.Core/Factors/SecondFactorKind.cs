namespace Threshold.Core.Factors;

/// <summary>The ways to prove a sign-in after the password. The numbers are stored; never renumber.</summary>
public enum SecondFactorKind
{
    Totp = 1,
    Sms = 2,
    Email = 3,
    SecurityKey = 4,
    BackupCode = 5,
}

public static class SecondFactorKinds
{
    /// <summary>The order "Try another way" lists them in, strongest first; also the default when none was chosen.</summary>
    public static readonly SecondFactorKind[] ByStrength =
        [SecondFactorKind.SecurityKey, SecondFactorKind.Totp, SecondFactorKind.Sms, SecondFactorKind.Email, SecondFactorKind.BackupCode];

    /// <summary>The stable name used in URLs, forms and the event log.</summary>
    public static string Code(this SecondFactorKind kind) => kind switch
    {
        SecondFactorKind.Totp => "totp",
        SecondFactorKind.Sms => "sms",
        SecondFactorKind.Email => "email",
        SecondFactorKind.SecurityKey => "security-key",
        SecondFactorKind.BackupCode => "backup-code",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static SecondFactorKind? Parse(string? code) =>
        ByStrength.Cast<SecondFactorKind?>().FirstOrDefault(k => string.Equals(k!.Value.Code(), code, StringComparison.OrdinalIgnoreCase));
}
