namespace Threshold.Core.Passwords;

/// <summary>
/// The most common passwords, ranked, from the list zxcvbn ships (built from
/// breach corpora). Loaded once; compared case-insensitively.
/// </summary>
public sealed class CommonPasswords
{
    private const string ResourceName = "zxcvbn-core.Dictionaries.passwords.lst";
    private readonly HashSet<string> _set;

    public CommonPasswords(int count)
    {
        using var stream = typeof(Zxcvbn.Zxcvbn).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The common-password list {ResourceName} is missing from zxcvbn-core.");
        using var reader = new StreamReader(stream);
        _set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (_set.Count < count && reader.ReadLine() is { } line)
            if (line.Length > 0) _set.Add(line.Trim());
    }

    public int Count => _set.Count;

    public bool Contains(string password) => _set.Contains(password);
}
