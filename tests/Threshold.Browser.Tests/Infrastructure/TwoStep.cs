using System.Diagnostics;
using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests.Infrastructure;

/// <summary>What the two-step journeys share: a confirmed, signed-in person; Chromium's virtual authenticator; oathtool.</summary>
public abstract class TwoStepTest(ThresholdServer server, Chromium chromium) : BrowserTest(server, chromium)
{
    /// <summary>Registers, opens the verification link and confirms: the browser ends on /account, freshly signed in.</summary>
    protected async Task RegisterConfirmedAsync(IPage page, Person person)
    {
        await RegisterAsync(page, person);
        await page.GotoAsync(await Server.VerificationLinkAsync(person.Email));
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirm email address" }).ClickAsync();
        await ExpectPathAsync(page, "/account");
        await Expect(Heading(page)).ToHaveTextAsync("Your account");
    }

    /// <summary>
    /// A platform authenticator with a PIN or fingerprint that always says yes (CDP WebAuthn domain):
    /// CTAP2, internal transport, resident keys, user verification.
    /// </summary>
    protected static async Task<VirtualAuthenticator> AddVirtualAuthenticatorAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable", new Dictionary<string, object> { ["enableUI"] = false });
        var added = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        return new VirtualAuthenticator(cdp, added!.Value.GetProperty("authenticatorId").GetString()!);
    }

    /// <summary>
    /// This page's browser offers no passkey autofill (conditional mediation), as some browsers do not: the
    /// person presses "Sign in with a passkey". Chromium's virtual authenticator would otherwise answer the
    /// autofill request at once, signing in before a password could be typed.
    /// </summary>
    protected static Task WithoutPasskeyAutofillAsync(IPage page) =>
        page.AddInitScriptAsync("if (window.PublicKeyCredential) PublicKeyCredential.isConditionalMediationAvailable = () => Promise.resolve(false);");

    /// <summary>The current code of an authenticator app holding <paramref name="base32Key"/>, from Debian's oathtool (an independent TOTP).</summary>
    protected static async Task<string> OathtoolAsync(string base32Key, string? at = null)
    {
        var start = new ProcessStartInfo("oathtool") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--totp", "-b", base32Key }) start.ArgumentList.Add(argument);
        if (at is not null) { start.ArgumentList.Add("-N"); start.ArgumentList.Add(at); }
        using var process = Process.Start(start) ?? throw new InvalidOperationException("oathtool did not start (apt-get install oathtool)");
        var output = await process.StandardOutput.ReadToEndAsync();
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0) throw new InvalidOperationException($"oathtool failed ({process.ExitCode}): {error}");
        return output.Trim();
    }
}

public sealed record VirtualAuthenticator(ICDPSession Cdp, string Id)
{
    /// <summary>The credentials the authenticator holds (CDP WebAuthn.getCredentials).</summary>
    public async Task<IReadOnlyList<JsonElement>> CredentialsAsync()
    {
        var result = await Cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = Id });
        return [.. result!.Value.GetProperty("credentials").EnumerateArray()];
    }

    /// <summary>Puts a credential of another authenticator on this one (CDP WebAuthn.addCredential), as a synced passkey arrives.</summary>
    public async Task AddCredentialAsync(JsonElement credential)
    {
        var copy = new Dictionary<string, object>
        {
            ["credentialId"] = credential.GetProperty("credentialId").GetString()!,
            ["isResidentCredential"] = credential.GetProperty("isResidentCredential").GetBoolean(),
            ["rpId"] = credential.GetProperty("rpId").GetString()!,
            ["privateKey"] = credential.GetProperty("privateKey").GetString()!,
            ["userHandle"] = credential.GetProperty("userHandle").GetString()!,
            ["signCount"] = credential.GetProperty("signCount").GetInt32(),
        };
        await Cdp.SendAsync("WebAuthn.addCredential", new Dictionary<string, object> { ["authenticatorId"] = Id, ["credential"] = copy });
    }
}
