namespace Threshold.Core.Flows.Recovery;

/// <summary>Destinations shown so their owner recognises them and nobody else learns them.</summary>
public static class Masking
{
    /// <summary>"jane@example.com" → "j•••@example.com".</summary>
    public static string Email(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? "•••" : email[0] + "•••" + email[at..];
    }

    /// <summary>"+442079460123" → "+44 •••• ••• 123".</summary>
    public static string Phone(string e164) =>
        e164.Length < 8 ? "•••" : $"{e164[..3]} •••• ••• {e164[^3..]}";
}
