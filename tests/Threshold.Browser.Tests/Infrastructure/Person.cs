namespace Threshold.Browser.Tests.Infrastructure;

/// <summary>A new person for one test: identifiers no other test uses, and a password no policy refuses.</summary>
public sealed record Person(string Email, string Username, string Password)
{
    public static Person New()
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        return new($"ada.{id}@example.com", $"Ada_{id}", $"violet harbour quartz {id[..4]} lantern");
    }
}
