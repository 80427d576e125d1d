using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Accounts;
using Threshold.Core.Passwords;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

public class FailedPasswordDiagnosisTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 3, 10, 0, 0, TimeSpan.Zero);
    private const string Password = "Quiet harbour lantern 42";

    private readonly FakeTimeProvider _clock = new(Now);
    private readonly CountingPasswordHasher _hasher = CountingPasswordHasher.Fast();
    private readonly Account _account = new() { Id = Guid.NewGuid(), UserName = "alice" };

    public FailedPasswordDiagnosisTests() => _account.PasswordHash = _hasher.HashPassword(_account, Password);

    private FailedPasswordDiagnosis Diagnosis(int budget = 4, bool accept = false)
    {
        var dummy = new DummyPasswordHash(_hasher);
        _ = dummy.Hash; // made once, up front: not part of any attempt
        return new FailedPasswordDiagnosis(_hasher, dummy,
            Options.Create(new PasswordSettings { HintBudget = budget, AcceptTypoVariants = accept }), _clock);
    }

    private PasswordHistoryEntry Old(string password, TimeSpan ago, bool byOwner = true) => new()
    {
        Id = Guid.NewGuid(),
        AccountId = _account.Id,
        PasswordHash = _hasher.HashPassword(_account, password),
        ReplacedAt = _clock.GetUtcNow() - ago,
        ReplacedByOwner = byOwner,
    };

    /// <summary>Diagnose, counting the verifications it spends.</summary>
    private (PasswordHint? Hint, int Verifications) Run(FailedPasswordDiagnosis diagnosis, Account? account, string typed,
        IReadOnlyList<PasswordHistoryEntry>? history = null)
    {
        _hasher.Reset();
        var hint = diagnosis.Diagnose(account, typed, history ?? []);
        return (hint, _hasher.Verifications);
    }

    private static string InvertCase(string s) =>
        string.Concat(s.Select(c => char.IsUpper(c) ? char.ToLowerInvariant(c) : char.IsLower(c) ? char.ToUpperInvariant(c) : c));

    public static TheoryData<int> Budgets => [0, 1, 2, 4, 6];

    [Theory]
    [MemberData(nameof(Budgets))]
    public void Every_call_spends_exactly_the_budget_whatever_the_account(int budget)
    {
        var diagnosis = Diagnosis(budget);
        var history = new[] { Old("Old password number one", TimeSpan.FromDays(30)) };

        Assert.Equal(budget, Run(diagnosis, _account, InvertCase(Password), history).Verifications);   // a hint, found early
        Assert.Equal(budget, Run(diagnosis, _account, "Completely wrong 99", history).Verifications);   // no hint
        Assert.Equal(budget, Run(diagnosis, _account, "Old password number one", history).Verifications); // old password
        Assert.Equal(budget, Run(diagnosis, null, InvertCase(Password)).Verifications);                 // unknown account
        Assert.Equal(budget, Run(diagnosis, null, "").Verifications);                                   // nothing typed
        Assert.Equal(budget, Run(diagnosis, new Account { Id = Guid.NewGuid() }, Password).Verifications); // no password (passkey only)
        Assert.Equal(budget, Run(diagnosis, _account, new string('x', 300) + "\u2019\n", history).Verifications);
    }

    [Fact]
    public void The_budget_caps_the_work_even_with_many_variants_and_old_passwords()
    {
        var diagnosis = Diagnosis(budget: 4);
        var history = new[]
        {
            Old("First old password 1", TimeSpan.FromDays(10)),
            Old("Second old password 2", TimeSpan.FromDays(20)),
            Old("Third old password 3", TimeSpan.FromDays(30)),
        };
        // Four variants (Caps Lock, first letter, autocorrect, trailing) plus three old passwords: still four.
        var (hint, verifications) = Run(diagnosis, _account, "Don\u2019t know 12\n", history);
        Assert.Null(hint);
        Assert.Equal(4, verifications);
    }

    [Fact]
    public void A_budget_of_zero_gives_no_hints_at_all()
    {
        var diagnosis = Diagnosis(budget: 0);
        Assert.Equal(0, diagnosis.Budget);
        Assert.Equal((null, 0), Run(diagnosis, _account, InvertCase(Password)));
    }

    [Fact]
    public void A_negative_budget_counts_as_zero()
    {
        var diagnosis = Diagnosis(budget: -3);
        Assert.Equal(0, diagnosis.Budget);
        Assert.Equal((null, 0), Run(diagnosis, _account, InvertCase(Password)));
    }

    [Fact]
    public void An_unknown_account_never_gets_a_hint()
    {
        var history = new[] { Old(InvertCase(Password), TimeSpan.FromDays(1)) };
        Assert.Null(Run(Diagnosis(), null, InvertCase(Password), history).Hint);
    }

    public static TheoryData<string, TypoKind> Typos => new()
    {
        { InvertCase(Password), TypoKind.CapsLock },
        { "q" + Password[1..], TypoKind.FirstLetterCase },
        { Password + "\n", TypoKind.TrailingWhitespace },
        { Password + " ", TypoKind.TrailingWhitespace },
        { Password + "\r\n", TypoKind.TrailingWhitespace },
    };

    [Theory]
    [MemberData(nameof(Typos))]
    public void A_recognised_typo_is_named(string typed, TypoKind expected)
    {
        var (hint, _) = Run(Diagnosis(), _account, typed);
        Assert.NotNull(hint);
        Assert.Equal(expected, hint.Typo);
        Assert.Null(hint.ReplacedAt);
        Assert.False(hint.IsOldPassword);
        Assert.False(hint.Accepted);
    }

    [Theory]
    [InlineData("It's \"quiet\" - 42", "It\u2019s \u201Cquiet\u201D \u2013 42")]
    [InlineData("don't-stop", "don\u2018t\u2014stop")]
    [InlineData("low 'comma' quotes", "low \u201Acomma\u2019 quotes")]
    public void A_curly_quote_or_long_dash_from_autocorrect_is_named(string password, string typed)
    {
        _account.PasswordHash = _hasher.HashPassword(_account, password);
        var (hint, _) = Run(Diagnosis(), _account, typed);
        Assert.NotNull(hint);
        Assert.Equal(TypoKind.Autocorrect, hint.Typo);
    }

    [Fact]
    public void A_wrong_password_gets_no_hint()
    {
        Assert.Null(Run(Diagnosis(), _account, "Quiet harbour lantern 43").Hint);
        Assert.Null(Run(Diagnosis(), _account, "QUIET HARBOUR LANTERN 42").Hint); // all upper is not Caps Lock on this one
        Assert.Null(Run(Diagnosis(), _account, "quiet harbour lantern 42 ").Hint); // two typos at once
    }

    [Fact]
    public void An_old_password_replaced_three_months_ago_says_when()
    {
        var replaced = Old("Previous harbour 2025", TimeSpan.FromDays(91), byOwner: true);
        var (hint, _) = Run(Diagnosis(), _account, "Previous harbour 2025", [replaced]);
        Assert.NotNull(hint);
        Assert.True(hint.IsOldPassword);
        Assert.Equal(replaced.ReplacedAt, hint.ReplacedAt);
        Assert.Null(hint.Typo);
        Assert.True(hint.ReplacedByOwner);
        Assert.False(hint.Accepted);
    }

    [Fact]
    public void An_old_password_replaced_through_recovery_says_it_was_not_the_owner()
    {
        var replaced = Old("Previous harbour 2025", TimeSpan.FromDays(10), byOwner: false);
        var hint = Run(Diagnosis(), _account, "Previous harbour 2025", [replaced]).Hint;
        Assert.NotNull(hint);
        Assert.False(hint.ReplacedByOwner);
    }

    [Fact]
    public void The_newest_matching_old_password_is_reported()
    {
        var older = Old("Same old password", TimeSpan.FromDays(200));
        var newer = Old("Same old password", TimeSpan.FromDays(20));
        var hint = Run(Diagnosis(), _account, "Same old password", [older, newer]).Hint;
        Assert.Equal(newer.ReplacedAt, hint?.ReplacedAt);
    }

    [Fact]
    public void An_old_password_replaced_13_months_ago_gets_no_hint()
    {
        var replaced = Old("Previous harbour 2024", TimeSpan.FromDays(30 * 13));
        Assert.Null(Run(Diagnosis(), _account, "Previous harbour 2024", [replaced]).Hint);
    }

    [Fact]
    public void The_old_password_hint_ends_when_the_clock_passes_12_months()
    {
        var replaced = Old("Previous harbour 2025", TimeSpan.Zero);
        var diagnosis = Diagnosis();

        _clock.Advance(TimeSpan.FromDays(364));
        Assert.NotNull(Run(diagnosis, _account, "Previous harbour 2025", [replaced]).Hint);
        _clock.Advance(TimeSpan.FromDays(1));
        Assert.NotNull(Run(diagnosis, _account, "Previous harbour 2025", [replaced]).Hint);
        _clock.Advance(TimeSpan.FromDays(30));
        Assert.Null(Run(diagnosis, _account, "Previous harbour 2025", [replaced]).Hint);
    }

    [Fact]
    public void With_AcceptTypoVariants_Caps_Lock_and_first_letter_are_accepted_but_not_the_others()
    {
        var diagnosis = Diagnosis(accept: true);
        Assert.True(Run(diagnosis, _account, InvertCase(Password)).Hint?.Accepted);
        Assert.True(Run(diagnosis, _account, "q" + Password[1..]).Hint?.Accepted);
        Assert.False(Run(diagnosis, _account, Password + "\n").Hint?.Accepted);
        var old = Old("Previous harbour 2025", TimeSpan.FromDays(5));
        Assert.False(Run(diagnosis, _account, "Previous harbour 2025", [old]).Hint?.Accepted);

        _account.PasswordHash = _hasher.HashPassword(_account, "It's quiet");
        var autocorrect = Run(diagnosis, _account, "It\u2019s quiet").Hint;
        Assert.Equal(TypoKind.Autocorrect, autocorrect?.Typo);
        Assert.False(autocorrect?.Accepted);
    }

    [Fact]
    public void Without_AcceptTypoVariants_nothing_is_accepted()
    {
        var diagnosis = Diagnosis(accept: false);
        Assert.False(Run(diagnosis, _account, InvertCase(Password)).Hint?.Accepted);
        Assert.False(Run(diagnosis, _account, "q" + Password[1..]).Hint?.Accepted);
    }

    [Fact]
    public void Hostile_input_never_throws_and_costs_the_budget()
    {
        var diagnosis = Diagnosis();
        foreach (var typed in new[] { new string('a', 5000), "\uD800\uDC00\uD800", "e\u0301\u0301\u0301", "\0", "\uDFFFx\uD800" })
        {
            var (hint, verifications) = Run(diagnosis, _account, typed);
            Assert.Null(hint);
            Assert.Equal(4, verifications);
        }
    }

    [Fact]
    public void The_hasher_is_never_asked_to_hash_during_a_diagnosis()
    {
        var diagnosis = Diagnosis();
        var before = _hasher.Hashings;
        Run(diagnosis, _account, InvertCase(Password));
        Run(diagnosis, null, "whatever it is");
        Assert.Equal(before, _hasher.Hashings);
    }

    [Fact]
    public void Identity_verification_results_other_than_failed_count_as_a_match()
    {
        // An imported PBKDF2 hash answers SuccessRehashNeeded; the hint still applies.
        var identity = new PasswordHasher<Account>();
        _account.PasswordHash = identity.HashPassword(_account, Password);
        var diagnosis = new FailedPasswordDiagnosis(_hasher, new DummyPasswordHash(_hasher),
            Options.Create(new PasswordSettings()), _clock);
        Assert.Equal(TypoKind.CapsLock, diagnosis.Diagnose(_account, InvertCase(Password), [])?.Typo);
    }
}
