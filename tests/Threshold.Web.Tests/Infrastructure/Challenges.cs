using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>The sign-in page's proof-of-work check, answered as the browser's worker would.</summary>
public static class Challenges
{
    public const string ChallengeField = "Input.Challenge";
    public const string SolutionField = "Input.Solution";

    /// <summary>The challenge (base64 JSON) the page carries, or null when it asks for none.</summary>
    public static string? ChallengeOf(Page page) =>
        page.Document.QuerySelector($"input[name='{ChallengeField}']")?.GetAttribute("value");

    /// <summary>Searches the number and returns the ALTCHA payload.</summary>
    public static string Solve(string encodedChallenge)
    {
        using var json = JsonDocument.Parse(Convert.FromBase64String(encodedChallenge));
        var c = json.RootElement;
        var salt = c.GetProperty("salt").GetString()!;
        var target = c.GetProperty("challenge").GetString()!;
        var max = c.GetProperty("maxnumber").GetInt64();
        for (long n = 0; n <= max; n++)
        {
            if (Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(salt + n.ToString(CultureInfo.InvariantCulture)))) != target) continue;
            return Convert.ToBase64String(JsonSerializer.SerializeToUtf8Bytes(new
            {
                algorithm = "SHA-256", challenge = target, number = n, salt, signature = c.GetProperty("signature").GetString(), took = 1,
            }));
        }
        throw new Xunit.Sdk.XunitException("The challenge has no solution");
    }

    /// <summary>
    /// Signs in through the form like a person with a working browser: when the page shown
    /// carries a challenge, it is answered. <paramref name="solution"/> overrides the answer.
    /// </summary>
    public static async Task<Page> SignInSolvingAsync(this Browser browser, string identifier, string password, Func<string, string?>? solution = null)
    {
        var page = await browser.GetAsync("/signin");
        return await page.SubmitSignInAsync(identifier, password, solution);
    }

    /// <summary>Submits the sign-in form of <paramref name="page"/> (which may carry a challenge from the last answer).</summary>
    public static async Task<Page> SubmitSignInAsync(this Page page, string identifier, string password, Func<string, string?>? solution = null)
    {
        var form = page.Form("Sign in").Fill("Email or username", identifier).Fill("Password", password);
        if (ChallengeOf(page) is { } challenge)
            form.Set(SolutionField, (solution ?? Solve)(challenge));
        return await form.SubmitAndLoadAsync();
    }
}
