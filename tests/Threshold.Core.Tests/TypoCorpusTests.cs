using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Accounts;
using Threshold.Core.Passwords;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>
/// The measurement the issue asks for: a seeded corpus of generated passwords and, for each,
/// the typos people make. Every correctable typo must be named correctly, no wrong password
/// may ever earn a hint, and no failed attempt may cost more than 1 + HintBudget hashes.
/// </summary>
public class TypoCorpusTests(ITestOutputHelper output)
{
    private const int Seed = 20260303;
    private const int PasswordCount = 240;
    private static readonly DateTimeOffset Now = new(2026, 3, 3, 10, 0, 0, TimeSpan.Zero);

    private static readonly string[] Words =
    [
        "harbour", "lantern", "quiet", "meadow", "copper", "violet", "thunder", "pepper", "garden", "rocket",
        "marble", "window", "silver", "orange", "puzzle", "candle", "forest", "anchor", "tiger", "bridge",
        "pillow", "saddle", "winter", "summer", "basket", "kettle", "falcon", "island", "jungle", "ladder",
        "mirror", "needle", "oyster", "parrot", "quartz", "ribbon", "sunset", "tunnel", "velvet", "walrus",
        "yellow", "zipper", "blue", "cat", "dog", "moon", "star", "tree", "fish", "bird", "cloud", "stone",
    ];
    private static readonly string[] Contractions = ["don't", "it's", "can't", "won't", "i'm", "we're", "o'clock", "rock'n'roll"];
    private const string Symbols = "!?#$%&*+=@^_~.,;:/";

    private enum Attempt { CapsLock, FirstLetter, Autocorrect, Trailing, OldPassword, RandomWrong, MissingCharacter, SwappedCharacters }

    private sealed class Tally
    {
        public int Attempts, Diagnosed, Misdiagnosed, Hinted, MaxHashes, MinHashes = int.MaxValue;
        public long Hashes;
    }

    [Fact]
    public void Every_correctable_typo_is_diagnosed_no_wrong_password_gets_a_hint_and_the_cost_is_capped()
    {
        var clock = new FakeTimeProvider(Now);
        var hasher = CountingPasswordHasher.Fast();
        var dummy = new DummyPasswordHash(hasher);
        _ = dummy.Hash;
        var settings = new PasswordSettings();
        var on = new FailedPasswordDiagnosis(hasher, dummy, Options.Create(settings), clock);
        var off = new FailedPasswordDiagnosis(hasher, dummy, Options.Create(new PasswordSettings { HintBudget = 0 }), clock);
        var cap = 1 + on.Budget;

        var random = new Random(Seed);
        var wrongs = new Random(Seed + 1);
        var tallies = Enum.GetValues<Attempt>().ToDictionary(a => a, _ => new Tally());
        var offTally = new Tally();
        var failures = new List<string>();
        var notApplicable = new Dictionary<Attempt, int>();
        var appendedForAutocorrect = 0;
        var styles = new int[7];

        void Try(Attempt kind, Account account, IReadOnlyList<PasswordHistoryEntry> history, string typed, Func<PasswordHint?, bool> expected, string password)
        {
            var tally = tallies[kind];
            tally.Attempts++;

            hasher.Reset();
            var verdict = hasher.VerifyHashedPassword(account, account.PasswordHash!, typed);
            if (verdict != PasswordVerificationResult.Failed)
            {
                failures.Add($"{kind}: the typo itself verified for {Show(password)} typed as {Show(typed)}");
                return;
            }
            var hint = on.Diagnose(account, typed, history);
            var hashes = hasher.Verifications;
            tally.Hashes += hashes;
            tally.MaxHashes = Math.Max(tally.MaxHashes, hashes);
            tally.MinHashes = Math.Min(tally.MinHashes, hashes);
            if (hashes > cap) failures.Add($"{kind}: {hashes} hashes (cap {cap}) for {Show(typed)}");
            if (hint is not null) tally.Hinted++;
            if (expected(hint)) tally.Diagnosed++;
            else
            {
                tally.Misdiagnosed++;
                failures.Add($"{kind}: {Show(password)} typed as {Show(typed)} gave {Describe(hint)}");
            }

            // The same attempt with hints turned off: exactly one hash, never a hint.
            hasher.Reset();
            hasher.VerifyHashedPassword(account, account.PasswordHash!, typed);
            var none = off.Diagnose(account, typed, history);
            offTally.Attempts++;
            offTally.Hashes += hasher.Verifications;
            offTally.MaxHashes = Math.Max(offTally.MaxHashes, hasher.Verifications);
            offTally.MinHashes = Math.Min(offTally.MinHashes, hasher.Verifications);
            if (none is not null || hasher.Verifications != 1) failures.Add($"hints off: {hasher.Verifications} hashes, hint {Describe(none)}");
        }

        Account NewAccount(string password)
        {
            var account = new Account { Id = Guid.NewGuid(), UserName = "corpus" };
            account.PasswordHash = hasher.HashPassword(account, password);
            return account;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < PasswordCount; i++)
        {
            var (password, style) = Generate(random);
            if (!seen.Add(password)) { i--; continue; }
            styles[style]++;
            var account = NewAccount(password);
            var old = i % 2 == 0 ? Generate(random).Password : null;
            IReadOnlyList<PasswordHistoryEntry> history = old is null ? [] :
            [
                new PasswordHistoryEntry
                {
                    Id = Guid.NewGuid(), AccountId = account.Id, PasswordHash = hasher.HashPassword(account, old),
                    ReplacedAt = Now.AddDays(-random.Next(1, 360)), ReplacedByOwner = true,
                },
            ];

            Try(Attempt.CapsLock, account, history, InvertCase(password), h => h is { Typo: TypoKind.CapsLock, ReplacedAt: null }, password);

            if (char.IsLetter(password[0]))
                Try(Attempt.FirstLetter, account, history, FlipFirst(password), h => h is { Typo: TypoKind.FirstLetterCase }, password);
            else
                notApplicable[Attempt.FirstLetter] = notApplicable.GetValueOrDefault(Attempt.FirstLetter) + 1;

            if (password.IndexOfAny(['\'', '"', '-']) >= 0)
                Try(Attempt.Autocorrect, account, history, Autocorrect(password, random), h => h is { Typo: TypoKind.Autocorrect }, password);
            else
            {
                // No quote or dash in it: the same password with one appended, typed with autocorrect on.
                appendedForAutocorrect++;
                var withDash = password + (random.Next(2) == 0 ? "-" + random.Next(10, 99) : "'s");
                Try(Attempt.Autocorrect, NewAccount(withDash), [], Autocorrect(withDash, random), h => h is { Typo: TypoKind.Autocorrect }, withDash);
            }

            Try(Attempt.Trailing, account, history, password + (random.Next(2) == 0 ? "\n" : " "), h => h is { Typo: TypoKind.TrailingWhitespace }, password);

            if (old is not null)
                Try(Attempt.OldPassword, account, history, old, h => h is { IsOldPassword: true, Typo: null } && h.ReplacedAt == history[0].ReplacedAt, password);
            else
                notApplicable[Attempt.OldPassword] = notApplicable.GetValueOrDefault(Attempt.OldPassword) + 1;

            var wrong = Generate(wrongs).Password;
            while (wrong == password || wrong == old || TypoVariants.Of(wrong).Any(v => v.Password == password || v.Password == old))
                wrong = Generate(wrongs).Password;
            Try(Attempt.RandomWrong, account, history, wrong, h => h is null, password);

            var drop = random.Next(password.Length);
            Try(Attempt.MissingCharacter, account, history, password.Remove(drop, 1), h => h is null, password);

            var at = Enumerable.Range(0, password.Length - 1).FirstOrDefault(j => password[j] != password[j + 1] && !(char.ToUpperInvariant(password[j]) == char.ToUpperInvariant(password[j + 1])), -1);
            if (at >= 0)
                Try(Attempt.SwappedCharacters, account, history, Swap(password, at), h => h is null, password);
        }

        var report = new StringBuilder();
        report.AppendLine($"Typo corpus: {PasswordCount} generated passwords (seed {Seed}), HintBudget {on.Budget}, cap {cap} hashes per failed attempt");
        report.AppendLine($"Password styles: {string.Join(", ", styles.Select((n, s) => $"{StyleName(s)} {n}"))}");
        report.AppendLine($"{"attempt",-18} {"tried",6} {"right",6} {"wrong",6} {"hinted",7} {"hashes min/avg/max",20}");
        foreach (var (kind, t) in tallies)
            report.AppendLine($"{kind,-18} {t.Attempts,6} {t.Diagnosed,6} {t.Misdiagnosed,6} {t.Hinted,7} {$"{(t.Attempts == 0 ? 0 : t.MinHashes)}/{(t.Attempts == 0 ? 0 : (double)t.Hashes / t.Attempts):0.00}/{t.MaxHashes}",20}");
        report.AppendLine($"{"hints off",-18} {offTally.Attempts,6} {"",6} {"",6} {"",7} {$"{offTally.MinHashes}/{(double)offTally.Hashes / offTally.Attempts:0.00}/{offTally.MaxHashes}",20}");
        report.AppendLine($"Not applicable: first letter (starts with a non-letter) {notApplicable.GetValueOrDefault(Attempt.FirstLetter)}, " +
                          $"old password (no history) {notApplicable.GetValueOrDefault(Attempt.OldPassword)}; " +
                          $"autocorrect cases that appended a quote or dash: {appendedForAutocorrect}");
        output.WriteLine(report.ToString());

        Assert.True(failures.Count == 0, $"{failures.Count} problems:\n{string.Join("\n", failures.Take(40))}\n\n{report}");
        Assert.True(tallies.Values.Sum(t => t.Attempts) >= 6 * 200);
        Assert.True(tallies[Attempt.FirstLetter].Attempts >= 100, "too few passwords start with a letter");
        Assert.True(tallies[Attempt.Autocorrect].Attempts - appendedForAutocorrect >= 50, "too few passwords contain a quote or dash");
        Assert.Equal(0, tallies[Attempt.RandomWrong].Hinted + tallies[Attempt.MissingCharacter].Hinted + tallies[Attempt.SwappedCharacters].Hinted);
        Assert.All(tallies.Values, t => Assert.Equal(cap, t.MaxHashes));
    }

    private static string StyleName(int style) => style switch
    {
        0 => "words", 1 => "dashed", 2 => "apostrophe", 3 => "double-quoted", 4 => "digit-first", 5 => "symbol-first", _ => "run-together",
    };

    private static (string Password, int Style) Generate(Random r)
    {
        string Word() => Case(Words[r.Next(Words.Length)]);
        string Case(string w) => r.Next(4) switch
        {
            0 => char.ToUpperInvariant(w[0]) + w[1..],
            1 => w.ToUpperInvariant(),
            _ => w,
        };
        string Digits() => r.Next(1, 10_000).ToString();
        char Symbol() => Symbols[r.Next(Symbols.Length)];

        var style = r.Next(7);
        var password = style switch
        {
            0 => $"{Case(Words[r.Next(Words.Length)])} {Word()} {Word()} {Digits()}",
            1 => $"{Word()}-{Word()}-{Word()}{Symbol()}{Digits()}",
            2 => $"{Case(Contractions[r.Next(Contractions.Length)])} {Word()} {Word()}{Digits()}",
            3 => $"\"{Word()}\" {Word()} {Digits()}{Symbol()}",
            4 => $"{Digits()} {Word()} {Word()}{Symbol()}",
            5 => $"{Symbol()}{Word()}.{Word()}.{Word()}",
            _ => $"{Word()}{Word().ToUpperInvariant()}{Word()}{Digits()}",
        };
        // Guarantee at least two letters, so Caps Lock and first-letter flips differ.
        return (password.Length >= 8 ? password : password + Word() + Word(), style);
    }

    private static string InvertCase(string s) =>
        string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.IsLower(c) ? char.ToUpperInvariant(c) : c));

    private static string FlipFirst(string s) =>
        (char.IsUpper(s[0]) ? char.ToLowerInvariant(s[0]) : char.ToUpperInvariant(s[0])) + s[1..];

    /// <summary>What a phone keyboard's smart punctuation does: every ' " - becomes a curly quote or a long dash.</summary>
    private static string Autocorrect(string s, Random r)
    {
        var b = new StringBuilder(s.Length);
        var openDouble = true;
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            b.Append(c switch
            {
                '\'' => i == 0 || s[i - 1] == ' ' ? (r.Next(4) == 0 ? '\u201A' : '\u2018') : '\u2019',
                '"' => (openDouble = !openDouble) ? '\u201D' : (r.Next(4) == 0 ? '\u201E' : '\u201C'),
                '-' => r.Next(2) == 0 ? '\u2013' : '\u2014',
                _ => c,
            });
        }
        return b.ToString();
    }

    private static string Swap(string s, int i) => string.Concat(s[..i], s[i + 1].ToString(), s[i].ToString(), s[(i + 2)..]);

    private static string Show(string s) => "\"" + s.Replace("\n", "\\n") + "\"";

    private static string Describe(PasswordHint? hint) =>
        hint is null ? "no hint" : hint.IsOldPassword ? $"old password ({hint.ReplacedAt:yyyy-MM-dd})" : $"{hint.Typo}";
}
