using Microsoft.Playwright;
using System.Text.RegularExpressions;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// The Caps Lock hint in password fields.
/// Headless Chromium has no keyboard lock state: neither Playwright's <c>Keyboard.PressAsync("CapsLock")</c>
/// nor CDP <c>Input.dispatchKeyEvent</c> (whose <c>modifiers</c> carry only Alt, Ctrl, Meta and Shift)
/// makes <c>getModifierState("CapsLock")</c> true — both were tried. So the "on" key press is the
/// KeyboardEvent Chromium would deliver with Caps Lock on (<c>modifierCapsLock: true</c>) dispatched on the
/// field; turning it off again is proven with real key presses, which report Caps Lock off.
/// </summary>
public sealed class CapsLockWarning(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    [Theory]
    [InlineData("/signin")]
    [InlineData("/register")]
    public async Task The_warning_appears_while_Caps_Lock_is_on_and_goes_when_it_is_off(string path)
    {
        await Page.GotoAsync(path);
        var password = PasswordField(Page);
        var warning = Page.GetByText("Caps Lock is on");

        await password.ClickAsync();
        await Page.Keyboard.TypeAsync("quiet");
        await Expect(password).ToHaveValueAsync("quiet");
        await Expect(warning).ToHaveCountAsync(0);

        await password.DispatchEventAsync("keydown", new { key = "R", code = "KeyR", bubbles = true, modifierCapsLock = true });
        await Expect(warning).ToBeVisibleAsync();
        await Expect(password).ToHaveAccessibleDescriptionAsync(new Regex("Caps Lock is on"));
        await CheckPageAsync($"{path} showing the Caps Lock warning");

        await Page.Keyboard.PressAsync("r");
        await Expect(warning).ToHaveCountAsync(0);
        await Expect(password).Not.ToHaveAccessibleDescriptionAsync(new Regex("Caps Lock is on"));
        await Expect(password).ToHaveValueAsync("quietr");
        await CheckPageAsync($"{path} after Caps Lock went off");
    }

    [Fact]
    public async Task Leaving_the_field_clears_the_warning()
    {
        await Page.GotoAsync("/signin");
        var password = PasswordField(Page);
        await password.ClickAsync();
        await password.DispatchEventAsync("keyup", new { key = "A", code = "KeyA", bubbles = true, modifierCapsLock = true });
        await Expect(Page.GetByText("Caps Lock is on")).ToBeVisibleAsync();

        await Page.GetByLabel("Email or username").ClickAsync();
        await Expect(Page.GetByText("Caps Lock is on")).ToHaveCountAsync(0);
        await CheckPageAsync("the sign-in page after leaving the password field");
    }
}
