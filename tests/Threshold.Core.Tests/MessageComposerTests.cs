using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Errors;
using Threshold.Core.Messaging;

namespace Threshold.Core.Tests;

public class MessageComposerTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 9, 0, 0, TimeSpan.Zero);
    private readonly ThresholdOptions _options = new() { PublicOrigin = "https://login.example.com", ServiceName = "Threshold" };
    private readonly MessageComposer _composer;
    private readonly string _reference = ReferenceCode.New();

    public MessageComposerTests() => _composer = new MessageComposer(Options.Create(_options), new FakeTimeProvider(Now));

    private Uri VerificationLink => _options.Link("/verify-email?token=abc123&email=alice%40example.com");

    private static IEnumerable<string> Links(string text) =>
        Regex.Matches(text, @"https?://[^\s""<>]+").Select(m => m.Value);

    // ---- Welcome ----

    [Fact]
    public void Welcome_is_an_email_to_the_address_with_the_template_and_reference()
    {
        var message = _composer.Welcome("alice@example.com", "alice", VerificationLink, _reference);
        Assert.Equal(MessageChannel.Email, message.Channel);
        Assert.Equal("welcome", message.Template);
        Assert.Equal("alice@example.com", message.To);
        Assert.Equal(_reference, message.ReferenceCode);
        Assert.Equal(Now, message.CreatedAt);
        Assert.Equal(Now, message.NextAttemptAt);
        Assert.Null(message.SentAt);
        Assert.Equal(0, message.Attempts);
        Assert.NotEqual(Guid.Empty, message.Id);
        Assert.Contains("Threshold", message.Subject);
    }

    [Fact]
    public void Welcome_names_the_username_in_text_and_html()
    {
        var message = _composer.Welcome("alice@example.com", "Alice.Smith", VerificationLink, _reference);
        Assert.Contains("Your username is Alice.Smith", message.TextBody);
        Assert.Contains("Alice.Smith", message.HtmlBody);
    }

    [Fact]
    public void Welcome_contains_the_link_built_from_the_public_origin()
    {
        var link = VerificationLink;
        Assert.StartsWith("https://login.example.com/verify-email?", link.AbsoluteUri);
        var message = _composer.Welcome("alice@example.com", "alice", link, _reference);

        Assert.Contains(link.AbsoluteUri, message.TextBody);
        Assert.All(Links(message.TextBody), l => Assert.Equal(link.AbsoluteUri, l));
        Assert.Single(Links(message.TextBody));
    }

    [Fact]
    public void Welcome_html_links_only_to_the_verification_link()
    {
        var link = VerificationLink;
        var message = _composer.Welcome("alice@example.com", "alice", link, _reference);
        var encodedHref = link.AbsoluteUri.Replace("&", "&amp;");

        Assert.Contains($"<a href=\"{encodedHref}\">{encodedHref}</a>", message.HtmlBody);
        var hrefs = Regex.Matches(message.HtmlBody!, "href=\"([^\"]*)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal([encodedHref], hrefs);
        Assert.All(Links(message.HtmlBody!), l => Assert.Equal(encodedHref, l));
    }

    [Fact]
    public void Welcome_links_use_the_configured_origin_whatever_it_is()
    {
        var options = new ThresholdOptions { PublicOrigin = "https://id.bank.test:8443/" };
        var composer = new MessageComposer(Options.Create(options), new FakeTimeProvider(Now));
        var link = options.Link("verify-email?token=t");
        Assert.Equal("https://id.bank.test:8443/verify-email?token=t", link.AbsoluteUri);

        var message = composer.Welcome("alice@example.com", "alice", link, _reference);
        Assert.All(Links(message.TextBody), l => Assert.StartsWith("https://id.bank.test:8443/", l));
        Assert.DoesNotContain("localhost", message.TextBody);
        Assert.DoesNotContain("login.example.com", message.TextBody);
    }

    [Fact]
    public void Welcome_states_how_long_the_link_works()
    {
        var message = _composer.Welcome("alice@example.com", "alice", VerificationLink, _reference);
        Assert.Contains("24 hours", message.TextBody);
    }

    [Fact]
    public void Welcome_has_the_reference_in_text_and_html()
    {
        var message = _composer.Welcome("alice@example.com", "alice", VerificationLink, _reference);
        Assert.Contains($"Reference: {_reference}", message.TextBody);
        Assert.Contains($"Reference: {_reference}", message.HtmlBody);
        Assert.Matches(@"Reference: [A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", message.TextBody);
    }

    [Fact]
    public void Welcome_html_encodes_the_username()
    {
        var message = _composer.Welcome("alice@example.com", "<b>", VerificationLink, _reference);
        Assert.DoesNotContain("<b>", message.HtmlBody);
        Assert.Contains("&lt;b&gt;", message.HtmlBody);
        Assert.Contains("<b>", message.TextBody); // plain text stays as typed
    }

    [Fact]
    public void Welcome_html_encodes_script()
    {
        var message = _composer.Welcome("alice@example.com", "<script>alert(1)</script>", VerificationLink, _reference);
        Assert.DoesNotContain("<script", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Html_body_is_a_document()
    {
        var message = _composer.Welcome("alice@example.com", "alice", VerificationLink, _reference);
        Assert.StartsWith("<!DOCTYPE html>", message.HtmlBody);
        Assert.EndsWith("</html>", message.HtmlBody);
    }

    // ---- Already registered / username unavailable ----

    [Fact]
    public void Already_registered_names_the_username_and_has_no_link()
    {
        var message = _composer.AlreadyRegistered("alice@example.com", "alice", _reference);
        Assert.Equal("already-registered", message.Template);
        Assert.Equal("alice@example.com", message.To);
        Assert.Contains("alice", message.TextBody);
        Assert.DoesNotContain("http", message.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", message.Subject, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Already_registered_points_to_the_host_only()
    {
        var message = _composer.AlreadyRegistered("alice@example.com", "alice", _reference);
        Assert.Contains("login.example.com", message.TextBody);
    }

    [Fact]
    public void Already_registered_has_the_reference()
    {
        var message = _composer.AlreadyRegistered("alice@example.com", "alice", _reference);
        Assert.Contains($"Reference: {_reference}", message.TextBody);
        Assert.Contains($"Reference: {_reference}", message.HtmlBody);
        Assert.Equal(_reference, message.ReferenceCode);
    }

    [Fact]
    public void Already_registered_html_encodes_the_username()
    {
        var message = _composer.AlreadyRegistered("alice@example.com", "<b>", _reference);
        Assert.DoesNotContain("<b>", message.HtmlBody);
        Assert.Contains("&lt;b&gt;", message.HtmlBody);
    }

    [Fact]
    public void Username_unavailable_names_the_username_and_has_no_link()
    {
        var message = _composer.UsernameUnavailable("alice@example.com", "taken_name", _reference);
        Assert.Equal("username-unavailable", message.Template);
        Assert.Equal("alice@example.com", message.To);
        Assert.Contains("taken_name", message.TextBody);
        Assert.DoesNotContain("http", message.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("href", message.HtmlBody, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Username_unavailable_has_the_reference()
    {
        var message = _composer.UsernameUnavailable("alice@example.com", "taken_name", _reference);
        Assert.Contains($"Reference: {_reference}", message.TextBody);
        Assert.Contains($"Reference: {_reference}", message.HtmlBody);
    }

    [Fact]
    public void Username_unavailable_html_encodes_the_username()
    {
        var message = _composer.UsernameUnavailable("alice@example.com", "<b>", _reference);
        Assert.DoesNotContain("<b>", message.HtmlBody);
        Assert.Contains("&lt;b&gt;", message.HtmlBody);
    }

    [Fact]
    public void Service_name_comes_from_options()
    {
        var options = new ThresholdOptions { PublicOrigin = "https://id.acme.test", ServiceName = "Acme ID" };
        var composer = new MessageComposer(Options.Create(options), new FakeTimeProvider(Now));
        var message = composer.AlreadyRegistered("alice@example.com", "alice", _reference);
        Assert.Contains("Acme ID", message.Subject);
        Assert.Contains("sent by Acme ID", message.TextBody);
    }
}
