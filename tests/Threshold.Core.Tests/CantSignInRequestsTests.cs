using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Secrets;
using Threshold.Core.Support;
using Threshold.Core.Support.Requests;
using Threshold.Core.Tests.Doubles;

namespace Threshold.Core.Tests;

/// <summary>
/// "Can't sign in?" requests: saved with their number and event, tied to an account only through a
/// contact the account has proven, the same answer either way, and one request per form.
/// </summary>
public class CantSignInRequestsTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;
    private static readonly ClientInfo Client = new("203.0.113.9", "Mozilla/5.0 (test)");
    private const string Words = "I lost my phone and my backup codes.";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 29, 10, 0, 0, TimeSpan.Zero));
    private readonly InMemoryAccountStore _accounts = new();
    private readonly InMemorySupportRequestStore _requests = new();
    private readonly CantSignInRequests _flow;

    public CantSignInRequestsTests() => _flow = new CantSignInRequests(_accounts, _requests, _clock);

    private Account AddAccount(string name, Action<Account>? setUp = null)
    {
        var email = name + "@example.com";
        var account = new Account
        {
            Id = Guid.NewGuid(), UserName = name, NormalizedUserName = name.ToUpperInvariant(),
            Email = email, NormalizedEmail = email.ToUpperInvariant(), EmailConfirmed = true, SecurityStamp = "stamp",
        };
        setUp?.Invoke(account);
        _accounts.Add(account);
        return account;
    }

    private Task<CantSignInResult> OpenAsync(string? contact, string? description = Words, string? reference = null, string? token = null) =>
        _flow.OpenAsync(new CantSignInForm(description, contact, reference, token, Client), Ct);

    private SupportRequest Saved(CantSignInResult result) => Assert.Single(_requests.Requests, r => r.Number == result.Number);

    [Fact]
    public async Task A_request_is_saved_with_its_number_and_an_event()
    {
        var result = await OpenAsync("  someone@example.org ", "  Line one\r\nLine two  ", "k7f3 9qx2");

        Assert.True(result.Accepted);
        Assert.True(ReferenceCode.IsWellFormed(result.Number));
        var request = Saved(result);
        Assert.Equal(SupportRequestKind.CantSignIn, request.Kind);
        Assert.Equal(SupportRequestStatus.Open, request.Status);
        Assert.Equal("Line one\nLine two", request.Description);
        Assert.Equal("someone@example.org", request.Contact);
        Assert.Equal("K7F3-9QX2", request.EventReference);
        Assert.Equal(_clock.GetUtcNow(), request.CreatedAt);
        Assert.Null(request.AccountId);

        var opened = Assert.Single(_requests.Events);
        Assert.Equal(SecurityEventKind.SupportRequestOpened, opened.Kind);
        Assert.Equal(result.Number, opened.Identifier);
        Assert.Null(opened.AccountId);
        Assert.Equal(result.ReferenceCode, opened.ReferenceCode);
        Assert.Equal(Client.IpAddress, opened.IpAddress);
    }

    [Fact]
    public async Task A_verified_email_links_the_account_and_the_event()
    {
        var alice = AddAccount("alice");
        var result = await OpenAsync("ALICE@example.com");
        Assert.Equal(alice.Id, Saved(result).AccountId);
        Assert.Equal(alice.Id, Assert.Single(_requests.Events).AccountId);
    }

    [Fact]
    public async Task An_unverified_email_links_nothing()
    {
        AddAccount("bob", a => a.EmailConfirmed = false);
        Assert.Null(Saved(await OpenAsync("bob@example.com")).AccountId);
    }

    [Fact]
    public async Task A_verified_recovery_email_links_its_account_but_not_one_still_waiting_for_its_code()
    {
        var carol = AddAccount("carol", a => (a.RecoveryEmail, a.NormalizedRecoveryEmail, a.RecoveryEmailVerifiedAt) =
            ("carol.backup@example.net", "CAROL.BACKUP@EXAMPLE.NET", DateTimeOffset.UnixEpoch));
        AddAccount("dave", a => (a.RecoveryEmail, a.NormalizedRecoveryEmail) = ("dave.backup@example.net", "DAVE.BACKUP@EXAMPLE.NET"));

        Assert.Equal(carol.Id, Saved(await OpenAsync("carol.backup@example.net")).AccountId);
        Assert.Null(Saved(await OpenAsync("dave.backup@example.net")).AccountId);
    }

    [Fact]
    public async Task A_recovery_email_shared_by_two_accounts_links_neither()
    {
        foreach (var name in new[] { "erin", "frank" })
            AddAccount(name, a => (a.RecoveryEmail, a.NormalizedRecoveryEmail, a.RecoveryEmailVerifiedAt) =
                ("family@example.net", "FAMILY@EXAMPLE.NET", DateTimeOffset.UnixEpoch));
        Assert.Null(Saved(await OpenAsync("family@example.net")).AccountId);
    }

    [Fact]
    public async Task A_confirmed_phone_links_its_account_however_it_is_typed()
    {
        var grace = AddAccount("grace", a => (a.PhoneNumber, a.PhoneNumberConfirmed) = ("+442079460123", true));
        AddAccount("heidi", a => (a.PhoneNumber, a.PhoneNumberConfirmed) = ("+442079460999", false));

        var typed = await OpenAsync("0044 20 7946 0123");
        Assert.Equal(grace.Id, Saved(typed).AccountId);
        Assert.Equal("0044 20 7946 0123", Saved(typed).Contact);
        Assert.Null(Saved(await OpenAsync("+44 20 7946 0999")).AccountId);
    }

    [Fact]
    public async Task A_reference_code_alone_links_no_account()
    {
        AddAccount("ivan");
        var result = await OpenAsync("stranger@example.org", reference: "K7F3-9QX2");
        Assert.Null(Saved(result).AccountId);
        Assert.Equal("K7F3-9QX2", Saved(result).EventReference);
    }

    [Fact]
    public async Task The_answer_is_the_same_whether_or_not_the_contact_matched()
    {
        AddAccount("judy");
        var matched = await OpenAsync("judy@example.com");
        var unmatched = await OpenAsync("nobody@example.com");

        Assert.Equal(matched.Accepted, unmatched.Accepted);
        Assert.Equal(matched.Problems, unmatched.Problems);
        Assert.True(ReferenceCode.IsWellFormed(matched.Number) && ReferenceCode.IsWellFormed(unmatched.Number));
        Assert.Equal(2, _requests.Requests.Count);
    }

    public static TheoryData<string?, string?, string?, string, string> Problems() => new()
    {
        { "", "a@example.com", null, "Description", "request.description_missing" },
        { "  \r\n ", "a@example.com", null, "Description", "request.description_missing" },
        { new string('x', SupportRequest.MaxDescriptionLength + 1), "a@example.com", null, "Description", "request.description_too_long" },
        { "Bad \uFFFD bytes", "a@example.com", null, "Description", "request.description_unreadable" },
        { "A bell \a rang", "a@example.com", null, "Description", "request.description_unreadable" },
        { "Broken \uD800 pair", "a@example.com", null, "Description", "request.description_unreadable" },
        { Words, null, null, "Contact", "request.contact_missing" },
        { Words, "   ", null, "Contact", "request.contact_missing" },
        { Words, "alice", null, "Contact", "contact.invalid" },
        { Words, "not an address@", null, "Contact", "contact.invalid" },
        { Words, new string('a', 250) + "@example.com", null, "Contact", "contact.invalid" },
        { Words, "020 7946 0123", null, "Contact", "contact.phone_invalid" },
        { Words, "a@example.com", "K7F3-9QX", "Reference", "request.reference_invalid" },
        { Words, "a@example.com", "K7F3-9QX0", "Reference", "request.reference_invalid" },
        { Words, "a@example.com", "<script>", "Reference", "request.reference_invalid" },
        { Words, "a@example.com", new string('K', 10_000), "Reference", "request.reference_invalid" },
    };

    [Theory, MemberData(nameof(Problems))]
    public async Task Each_bad_field_is_named_and_nothing_is_saved(string? description, string? contact, string? reference, string field, string code)
    {
        var result = await OpenAsync(contact, description, reference);

        Assert.False(result.Accepted);
        Assert.Null(result.Number);
        Assert.True(ReferenceCode.IsWellFormed(result.ReferenceCode));
        Assert.Equal(new FieldProblem(field, code), Assert.Single(result.Problems));
        Assert.Empty(_requests.Requests);
        Assert.Empty(_requests.Events);
    }

    [Fact]
    public async Task Every_bad_field_is_named_at_once_in_the_order_of_the_form()
    {
        var result = await OpenAsync("", "", "nonsense");
        Assert.Equal(["Description", "Reference", "Contact"], result.Problems.Select(p => p.Field));
    }

    [Fact]
    public async Task A_description_at_the_limit_is_kept_whole_with_line_breaks_counted_once()
    {
        var lines = string.Join("\r\n", Enumerable.Repeat(new string('x', 99), SupportRequest.MaxDescriptionLength / 100));
        Assert.True(lines.Length > SupportRequest.MaxDescriptionLength);
        var result = await OpenAsync("a@example.com", lines);
        Assert.True(result.Accepted);
        Assert.Equal(SupportRequest.MaxDescriptionLength - 1, Saved(result).Description!.Length);
    }

    [Fact]
    public async Task The_same_form_sent_twice_is_one_request()
    {
        var token = SecretToken.New();
        var first = await OpenAsync("a@example.com", token: token);
        var again = await OpenAsync("a@example.com", token: token);

        Assert.Equal(first.Number, again.Number);
        Assert.Single(_requests.Requests);
        Assert.Single(_requests.Events);
    }

    [Fact]
    public async Task The_same_form_changed_and_sent_again_is_a_request_of_its_own()
    {
        var token = SecretToken.New();
        var first = await OpenAsync("a@example.com", token: token);
        var changed = await OpenAsync("a@example.com", Words + " Also my laptop.", token: token);

        Assert.NotEqual(first.Number, changed.Number);
        Assert.Equal(2, _requests.Requests.Count);
    }

    [Fact]
    public async Task Forms_without_a_token_or_with_a_made_up_one_each_open_a_request()
    {
        var first = await OpenAsync("a@example.com", token: "made-up");
        var second = await OpenAsync("a@example.com", token: "made-up");
        var third = await OpenAsync("a@example.com");

        Assert.Equal(3, new[] { first.Number, second.Number, third.Number }.Distinct().Count());
        Assert.Equal(3, _requests.Requests.Count);
    }

    [Theory]
    [InlineData("K7F3-9QX2", "K7F3-9QX2")]
    [InlineData("k7f3-9qx2", "K7F3-9QX2")]
    [InlineData("K7F39QX2", "K7F3-9QX2")]
    [InlineData(" k7f3 9qx2 ", "K7F3-9QX2")]
    [InlineData("K7F3 – 9QX2", "K7F3-9QX2")]
    [InlineData("Ｋ７Ｆ３－９ＱＸ２", "K7F3-9QX2")]
    [InlineData("K 7 F 3 9 Q X 2", "K7F3-9QX2")]
    public void A_reference_typed_loosely_is_the_same_code(string typed, string code) =>
        Assert.Equal(code, TypedReferenceCode.Normalize(typed));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("K7F3-9QX")]
    [InlineData("K7F3-9QX22")]
    [InlineData("K7F3-9QXI")]
    [InlineData("K7F3-9QX1")]
    [InlineData("K7F3_9QX2!")]
    [InlineData("K7F3\uD8009QX2")]
    public void Anything_else_is_not_a_reference(string? typed) => Assert.Null(TypedReferenceCode.Normalize(typed));
}
