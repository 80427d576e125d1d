using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Threshold.Web.Tests;

/// <summary>All user-facing text comes from resources: every key a page uses has an entry, and Core's error codes have sentences.</summary>
public sealed partial class ResourceTests
{
    private static readonly DirectoryInfo Web = new(Path.Combine(RepositoryRoot(), "src", "Threshold.Web"));

    [Fact]
    public void Every_text_key_used_by_the_web_layer_is_in_the_resource_file()
    {
        var entries = Entries();
        var missing = UsedKeys().Where(k => !entries.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "Missing from SharedResource.resx (run scripts/sync-resources.py): " + string.Join(" | ", missing));
    }

    [Fact]
    public void Every_error_code_from_core_has_a_sentence()
    {
        var entries = Entries();
        var core = Path.Combine(RepositoryRoot(), "src", "Threshold.Core");
        var codes = Directory.EnumerateFiles(core, "*.cs", SearchOption.AllDirectories)
            .SelectMany(f => CodeLiteral().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value))
            .Concat(Enum.GetNames<Threshold.Core.Passwords.PasswordProblem>().Select(p => "password." + p.ToLowerInvariant()))
            .Distinct().ToList();
        Assert.Contains("current_password.wrong", codes);
        var missing = codes.Where(c => !entries.TryGetValue(c, out var text) || text == c).ToList();
        Assert.True(missing.Count == 0, "Error codes without a sentence: " + string.Join(", ", missing));
    }

    private static Dictionary<string, string> Entries() =>
        XDocument.Load(Path.Combine(Web.FullName, "Resources", "SharedResource.resx")).Root!.Elements("data")
            .ToDictionary(d => (string)d.Attribute("name")!, d => (string?)d.Element("value") ?? "");

    private static IEnumerable<string> UsedKeys() =>
        Web.EnumerateFiles("*.*", SearchOption.AllDirectories)
            .Where(f => f.Extension is ".cs" or ".cshtml" && !f.FullName.Contains("/obj/") && !f.FullName.Contains("/bin/"))
            .SelectMany(f => KeyUse().Matches(File.ReadAllText(f.FullName)).Select(m => m.Groups[1].Value.Replace("\\\"", "\"")))
            .Distinct();

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Threshold.slnx"))) return dir.FullName;
        throw new InvalidOperationException("Threshold.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex("""\b(?:T|Text|text)\["((?:[^"\\]|\\.)*)"\]?""")]
    private static partial Regex KeyUse();

    /// <summary>Codes such as "password.common" in Core: a FieldProblem's second argument, or "password." + a PasswordProblem.</summary>
    [GeneratedRegex("""new(?:\s+FieldProblem)?\("\w+", "([a-z_]+\.[a-z_]+)"\)""")]
    private static partial Regex CodeLiteral();
}
