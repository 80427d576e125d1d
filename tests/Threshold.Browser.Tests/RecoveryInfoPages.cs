using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using Threshold.Store;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// The recovery email and recovery phone pages and the security page's "Recovery email and phone"
/// section, walked as a person would (codes read from the outbox), every state checked with axe
/// (WCAG A/AA) and a clean console.
/// </summary>
public sealed partial class RecoveryInfoPages(ThresholdServer server, Chromium chromium)
    : TwoStepTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task Add_a_recovery_email_and_phone_and_every_state_passes_axe()
    {
        var person = Person.New();
        var backup = "backup." + person.Email;
        await RegisterConfirmedAsync(Page, person);

        await Page.GotoAsync("/account/security");
        await Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Recovery email and phone" })).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Checkbox, new() { Name = "Sign out other sessions" })).ToBeCheckedAsync();
        await CheckPageAsync("the security page without recovery info");

        // The recovery email: a wrong address, then the code.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Add a recovery email" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security/recovery-email");
        await Expect(Heading(Page)).ToHaveTextAsync("Recovery email");
        await CheckPageAsync("the recovery email page");
        var address = Page.GetByLabel("Recovery email address");
        await address.FillAsync(person.Email);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send a code" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Please correct the following and try again.");
        await Expect(address).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(address).ToHaveAccessibleDescriptionAsync(new Regex("This is the address you sign in with."));
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await CheckPageAsync("the recovery email page refusing the sign-in address");

        await address.FillAsync(backup);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send a code" }).ClickAsync();
        var emailCode = Page.GetByLabel("Code from the email");
        await Expect(emailCode).ToBeVisibleAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("We sent a code to " + backup);
        await CheckPageAsync("the recovery email page asking for the code");
        var code = await CodeSentToAsync(backup, "confirm-recovery-email");
        await emailCode.FillAsync(code == "000000" ? "111111" : "000000");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await Expect(emailCode).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(emailCode).ToHaveAccessibleDescriptionAsync(new Regex("That code is not right."));
        await CheckPageAsync("the recovery email page after a wrong code");
        await emailCode.FillAsync(code);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security?done=recovery-email-saved");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync(backup);
        await CheckPageAsync("the security page with a recovery email");

        // The recovery phone: a number that cannot exist, then the code.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Add a phone number" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security/recovery-phone");
        await Expect(Heading(Page)).ToHaveTextAsync("Recovery phone");
        await CheckPageAsync("the recovery phone page");
        var number = Page.GetByLabel("Mobile phone number");
        await number.FillAsync("020 7946 0123");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send a code" }).ClickAsync();
        await Expect(number).ToHaveAttributeAsync("aria-invalid", "true");
        await Expect(number).ToHaveAccessibleDescriptionAsync(new Regex("international format"));
        await CheckPageAsync("the recovery phone page refusing a number without its country code");
        var e164 = "+44207946" + Random.Shared.Next(1000, 9999);
        await number.FillAsync(e164);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Send a code" }).ClickAsync();
        var smsCode = Page.GetByLabel("Code from the text message");
        await Expect(smsCode).ToBeVisibleAsync();
        await CheckPageAsync("the recovery phone page asking for the code");
        await smsCode.FillAsync(await CodeSentToAsync(e164, "confirm-phone"));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Confirm" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security?done=recovery-phone-saved");
        var alerts = Page.GetByRole(AriaRole.Checkbox, new() { Name = "Also send security alerts by text message" });
        await Expect(alerts).Not.ToBeCheckedAsync();
        await CheckPageAsync("the security page with a recovery email and phone");
        await alerts.CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Save alert settings" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("Your alert settings were saved.");
        await Expect(alerts).ToBeCheckedAsync();
        await CheckPageAsync("the security page after saving the alert setting");

        // With both set, the pages offer changing and removing.
        await Page.GetByRole(AriaRole.Link, new() { Name = "Change phone number" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Removing the number also turns off sign-in codes and security alerts by text message.");
        await CheckPageAsync("the recovery phone page with a number");
        await Page.GotoAsync("/account/security/recovery-email");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Remove recovery email" })).ToBeVisibleAsync();
        await CheckPageAsync("the recovery email page with an address");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Remove recovery email" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/security?done=recovery-email-removed");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Add a recovery email" })).ToBeVisibleAsync();
        await CheckPageAsync("the security page after removing the recovery email");
    }

    /// <summary>The six digits of the newest message of this template to <paramref name="to"/>, read from the outbox.</summary>
    private async Task<string> CodeSentToAsync(string to, string template)
    {
        await using var scope = Server.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ThresholdDbContext>();
        var text = await db.OutboxMessages.Where(m => m.To == to && m.Template == template).OrderByDescending(m => m.CreatedAt)
            .Select(m => m.TextBody).FirstAsync(TestContext.Current.CancellationToken);
        var code = SixDigits().Match(text).Value;
        Assert.Matches("^[0-9]{6}$", code);
        return code;
    }

    [GeneratedRegex("(?<![0-9])[0-9]{6}(?![0-9])")]
    private static partial Regex SixDigits();
}
