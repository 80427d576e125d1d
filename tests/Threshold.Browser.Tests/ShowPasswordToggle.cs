using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

public sealed class ShowPasswordToggle(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    [Theory]
    [InlineData("/signin")]
    [InlineData("/register")]
    public async Task The_toggle_shows_and_hides_the_password_and_says_what_it_will_do(string path)
    {
        await Page.GotoAsync(path);
        var password = PasswordField(Page);
        await password.FillAsync("correct horse battery");
        await Expect(password).ToHaveAttributeAsync("type", "password");

        var show = Page.GetByRole(AriaRole.Button, new() { Name = "Show password", Exact = true });
        var hide = Page.GetByRole(AriaRole.Button, new() { Name = "Hide password", Exact = true });
        await Expect(hide).ToHaveCountAsync(0);
        await Expect(show).ToHaveAttributeAsync("aria-pressed", "false");

        await show.ClickAsync();
        await Expect(password).ToHaveAttributeAsync("type", "text");
        await Expect(hide).ToBeVisibleAsync();
        await Expect(hide).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(show).ToHaveCountAsync(0);
        await Expect(password).ToHaveValueAsync("correct horse battery");
        await CheckPageAsync($"{path} with the password shown");

        await hide.ClickAsync();
        await Expect(password).ToHaveAttributeAsync("type", "password");
        await Expect(show).ToBeVisibleAsync();
        await Expect(show).ToHaveAttributeAsync("aria-pressed", "false");
        await Expect(hide).ToHaveCountAsync(0);
        await Expect(password).ToHaveValueAsync("correct horse battery");
        await CheckPageAsync($"{path} with the password hidden again");
    }
}
