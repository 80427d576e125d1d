using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// Passkeys as a person meets them, with Chromium's virtual authenticator standing in for a
/// fingerprint reader: add one (backup codes follow, as it is the first factor), rename it,
/// sign in with it alone, use it as the security key after a password, remove it.
/// </summary>
public sealed partial class PasskeyJourney(ThresholdServer server, Chromium chromium)
    : TwoStepTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task Add_a_passkey_sign_in_with_it_alone_use_it_after_a_password_rename_and_remove_it()
    {
        var person = Person.New();
        await WithoutPasskeyAutofillAsync(Page);
        var authenticator = await AddVirtualAuthenticatorAsync(Page);
        await RegisterConfirmedAsync(Page, person);

        await Page.GotoAsync("/account/security");
        await Expect(Heading(Page)).ToHaveTextAsync("Security");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Two-step sign-in is off.");
        await CheckPageAsync("the security page with two-step sign-in off");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Add a passkey" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security/passkeys");
        await Expect(Heading(Page)).ToHaveTextAsync("Passkeys and security keys");
        await CheckPageAsync("the passkeys page with no passkey");

        await Page.GetByLabel("Name", new() { Exact = true }).FillAsync("Laptop");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Add a passkey" }).ClickAsync();

        // The first factor turns two-step sign-in on: the backup codes are shown, once.
        await ExpectPathAsync(Page, "/account/security/backup-codes?first=true&returnUrl=%2Faccount%2Fsecurity");
        await Expect(Heading(Page)).ToHaveTextAsync("Backup codes");
        await Expect(Page.GetByRole(AriaRole.Status)).ToHaveTextAsync("Two-step sign-in is on.");
        var codes = Page.GetByRole(AriaRole.List, new() { Name = "Your backup codes" }).GetByRole(AriaRole.Listitem);
        await Expect(codes).ToHaveCountAsync(10);
        foreach (var code in await codes.AllInnerTextsAsync()) Assert.Matches(BackupCode(), code.Trim());
        await CheckPageAsync("the backup codes page showing codes after the first passkey");
        Assert.Single(await authenticator.CredentialsAsync());

        await Page.GetByRole(AriaRole.Link, new() { Name = "I have saved my codes" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Two-step sign-in is on.");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Passkeys and security keys (1)");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("You have 10 unused backup codes.");
        await CheckPageAsync("the security page with a passkey");

        await Page.GetByRole(AriaRole.Link, new() { Name = "Manage passkeys" }).First.ClickAsync();
        await ExpectPathAsync(Page, "/account/security/passkeys");
        var passkeys = Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Listitem);
        await Expect(passkeys).ToHaveCountAsync(1);
        await Expect(passkeys).ToContainTextAsync("Laptop");
        await CheckPageAsync("the passkeys page with a passkey listed");

        await Page.GetByLabel("New name").FillAsync("Home laptop");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Rename" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "renamed" })).ToHaveTextAsync("The passkey was renamed.");
        await Expect(passkeys).ToHaveCountAsync(1);
        await Expect(passkeys.Locator("strong")).ToHaveTextAsync("Home laptop");
        await CheckPageAsync("the passkeys page after renaming");

        // The passkey alone: no identifier, no password, no second step.
        await SignOutAsync(Page);
        await HeaderNav(Page).GetByRole(AriaRole.Link, new() { Name = "Sign in" }).ClickAsync();
        await Expect(Heading(Page)).ToHaveTextAsync("Sign in");
        await CheckPageAsync("the sign-in page with passkeys offered");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await ExpectPathAsync(Page, "/account");
        await Expect(Heading(Page)).ToHaveTextAsync("Your account");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await CheckPageAsync("the account page after signing in with a passkey");

        // The same key as the second step after a password.
        await SignOutAsync(Page);
        await SignInAsync(Page, person.Username, person.Password);
        await ExpectPathAsync(Page, "/signin/two-factor?returnUrl=%2Faccount");
        await Expect(Heading(Page)).ToHaveTextAsync("Two-step sign-in");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Use your passkey or security key");
        var useKey = Page.GetByRole(AriaRole.Button, new() { Name = "Use your security key" });
        await Expect(useKey).ToBeVisibleAsync();
        await CheckPageAsync("the second step asking for the security key");
        await useKey.ClickAsync();
        await ExpectPathAsync(Page, "/account");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await CheckPageAsync("the account page after password and security key");

        // Another browser with passkey autofill ("username webauthn") and the same passkey, synced:
        // opening the sign-in page offers it, and this authenticator takes it at once.
        var synced = await NewPageInNewContextAsync();
        var syncedAuthenticator = await AddVirtualAuthenticatorAsync(synced);
        await syncedAuthenticator.AddCredentialAsync(Assert.Single(await authenticator.CredentialsAsync()));
        await synced.GotoAsync("/signin");
        await ExpectPathAsync(synced, "/account");
        await Expect(synced.GetByRole(AriaRole.Main)).ToContainTextAsync(person.Username);
        await CheckPageAsync(synced, "the account page after signing in through passkey autofill");

        // Removing it (the sign-in just now is recent enough).
        await Page.GotoAsync("/account/security/passkeys");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Remove Home laptop" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status).Filter(new() { HasText = "removed" }))
            .ToHaveTextAsync("The passkey was removed. Remove it from your device or password manager too.");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Your passkeys" })).ToHaveCountAsync(0);
        await Expect(Page.GetByRole(AriaRole.Main)).Not.ToContainTextAsync("Home laptop");
        await CheckPageAsync("the passkeys page after removing the only passkey");

        // A removed passkey no longer signs in.
        await SignOutAsync(Page);
        await Page.GotoAsync("/signin");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in with a passkey" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("That passkey could not sign you in.");
        await ExpectPathAsync(Page, "/signin?handler=Passkey");
        await CheckPageAsync("the sign-in page after a passkey that is no longer on the account");
    }

    [GeneratedRegex("^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{2}$")]
    private static partial Regex BackupCode();
}
