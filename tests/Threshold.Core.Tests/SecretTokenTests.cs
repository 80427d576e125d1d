using Threshold.Core.Secrets;

namespace Threshold.Core.Tests;

public class SecretTokenTests
{
    [Fact]
    public void New_is_43_base64url_characters()
    {
        var token = SecretToken.New();
        Assert.Equal(43, token.Length);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", token);
    }

    [Fact]
    public void New_parses_back_unchanged()
    {
        for (var i = 0; i < 200; i++)
        {
            var token = SecretToken.New();
            Assert.Equal(token, SecretToken.Parse(token));
        }
    }

    [Fact]
    public void New_tokens_differ()
    {
        var tokens = Enumerable.Range(0, 1000).Select(_ => SecretToken.New()).ToHashSet();
        Assert.Equal(1000, tokens.Count);
    }

    [Fact]
    public void Hash_is_deterministic_and_64_lower_hex()
    {
        var token = SecretToken.New();
        var hash = SecretToken.Hash(token);
        Assert.Equal(hash, SecretToken.Hash(token));
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void Hash_is_SHA256_of_the_token_text()
    {
        // SHA-256("abc")
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SecretToken.Hash("abc"));
    }

    [Fact]
    public void Hash_differs_per_token()
    {
        var hashes = Enumerable.Range(0, 200).Select(_ => SecretToken.Hash(SecretToken.New())).ToHashSet();
        Assert.Equal(200, hashes.Count);
    }

    [Fact]
    public void Hash_is_not_the_token()
    {
        var token = SecretToken.New();
        Assert.DoesNotContain(token, SecretToken.Hash(token));
    }

    [Fact]
    public void Parse_rejects_null() => Assert.Null(SecretToken.Parse(null));

    [Theory]
    [InlineData("")]
    [InlineData("abc")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 42
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] // 44
    public void Parse_rejects_wrong_length(string candidate) => Assert.Null(SecretToken.Parse(candidate));

    [Fact]
    public void Parse_rejects_one_character_too_many_or_too_few()
    {
        var token = SecretToken.New();
        Assert.Null(SecretToken.Parse(token + "A"));
        Assert.Null(SecretToken.Parse(token[..^1]));
    }

    [Theory]
    [InlineData('+')]
    [InlineData('/')]
    [InlineData('!')]
    [InlineData('.')]
    [InlineData('%')]
    [InlineData('\u00E9')]
    public void Parse_rejects_non_base64url_characters(char bad)
    {
        var token = SecretToken.New();
        var candidate = token[..10] + bad + token[11..];
        Assert.Equal(43, candidate.Length);
        Assert.Null(SecretToken.Parse(candidate));
    }

    [Fact]
    public void Parse_rejects_padding()
    {
        var token = SecretToken.New();
        Assert.Null(SecretToken.Parse(token + "="));
        Assert.Null(SecretToken.Parse(token[..^1] + "="));
        Assert.Null(SecretToken.Parse(token[..20] + "=" + token[21..]));
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    [InlineData("\n")]
    [InlineData("\r")]
    public void Parse_rejects_whitespace_inside(string space)
    {
        var token = SecretToken.New();
        Assert.Null(SecretToken.Parse(token[..20] + space + token[21..])); // same length
        Assert.Null(SecretToken.Parse(token[..20] + space + token[20..])); // one longer
    }

    [Fact]
    public void Parse_trims_surrounding_whitespace()
    {
        var token = SecretToken.New();
        Assert.Equal(token, SecretToken.Parse("  " + token + "\n"));
    }
}
