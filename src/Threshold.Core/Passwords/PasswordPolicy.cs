using Microsoft.Extensions.Options;
using Threshold.Core.Accounts;

namespace Threshold.Core.Passwords;

public enum PasswordProblem
{
    Missing,
    TooShort,
    TooLong,
    ControlCharacters,
    Common,
    ContainsContextWord,
}

/// <summary>
/// NIST 800-63B-4 / ASVS 6.2: length, a blocklist of common passwords and of the
/// account's own words; no composition rules.
/// </summary>
public sealed class PasswordPolicy(IOptions<PasswordSettings> options, CommonPasswords common)
{
    private const int MinContextWordLength = 3;
    private readonly PasswordSettings _options = options.Value;

    public int MinLength => _options.MinLength;
    public int MaxLength => _options.MaxLength;

    /// <param name="contextWords">The account's identifiers (username, email) as typed.</param>
    public PasswordProblem? Check(string? password, IEnumerable<string?> contextWords)
    {
        if (string.IsNullOrEmpty(password)) return PasswordProblem.Missing;
        if (password.Any(char.IsControl) || password.Contains('\uFFFD')) return PasswordProblem.ControlCharacters;
        var normalized = PasswordText.Normalize(password);
        var length = PasswordText.LengthInCharacters(normalized);
        if (length < _options.MinLength) return PasswordProblem.TooShort;
        if (length > _options.MaxLength) return PasswordProblem.TooLong;
        if (common.Contains(normalized) || IsCommonWithSuffix(normalized)) return PasswordProblem.Common;
        if (IsBuiltFromContext(normalized, ContextWords(contextWords))) return PasswordProblem.ContainsContextWord;
        return null;
    }

    private IEnumerable<string> ContextWords(IEnumerable<string?> contextWords)
    {
        foreach (var word in contextWords.Concat(_options.ServiceWords))
        {
            if (string.IsNullOrWhiteSpace(word)) continue;
            var clean = Identifiers.Clean(word).ToLowerInvariant();
            var at = clean.IndexOf('@');
            // For an email, the local part and the domain's first label are the personal words.
            var local = at >= 0 ? clean[..at] : clean;
            var pieces = local.Split('.', '_', '-', '+', ' ');
            // "bob.smith" gives bob, smith and bobsmith; an email also gives its domain's first label.
            var parts = pieces.Append(local).Append(string.Concat(pieces));
            if (at >= 0) parts = parts.Append(clean[(at + 1)..].Split('.')[0]);
            foreach (var part in parts)
                if (part.Length >= MinContextWordLength) yield return part;
        }
    }

    /// <summary>
    /// "Built from" means the context word makes up at least half of the password's
    /// letters and digits: "alice2024!" for alice, but not a long passphrase that
    /// happens to contain the word.
    /// </summary>
    private static bool IsBuiltFromContext(string password, IEnumerable<string> words)
    {
        var lower = password.ToLowerInvariant();
        var significant = lower.Count(char.IsLetterOrDigit);
        foreach (var word in words)
            if (lower.Contains(word, StringComparison.Ordinal) && word.Length * 2 >= significant)
                return true;
        return false;
    }

    /// <summary>A common password with digits or punctuation stuck on the end ("password123!").</summary>
    private bool IsCommonWithSuffix(string password)
    {
        var end = password.Length;
        while (end > 0 && !char.IsLetter(password[end - 1])) end--;
        return end >= 4 && end < password.Length && common.Contains(password[..end]);
    }
}
