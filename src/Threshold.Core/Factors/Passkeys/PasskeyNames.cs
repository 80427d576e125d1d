namespace Threshold.Core.Factors.Passkeys;

/// <summary>The names people give their passkeys ("Work laptop", "Blue YubiKey") so they can tell them apart.</summary>
public static class PasskeyNames
{
    public const int MaxLength = 50;

    /// <summary>The trimmed name, or null when it is empty, too long or has control characters.</summary>
    public static string? Clean(string? typed)
    {
        var name = typed?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength || name.Any(char.IsControl)) return null;
        return name;
    }
}
