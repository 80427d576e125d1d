using System.Text.Json;
using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>"Your data" in the browser: reached from the account page, the file downloads, the refusal and the goodbye page read correctly, all pass axe.</summary>
public sealed class YourDataPage(ThresholdServer server, Chromium chromium)
    : TwoStepTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task Download_the_data_then_delete_the_account_from_the_your_data_page()
    {
        var person = Person.New();
        await RegisterConfirmedAsync(Page, person);

        await Page.GetByRole(AriaRole.Link, new() { Name = "Your data" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/data");
        await Expect(Heading(Page)).ToHaveTextAsync("Your data");
        await CheckPageAsync("the your-data page");

        var download = await Page.RunAndWaitForDownloadAsync(() =>
            Page.GetByRole(AriaRole.Button, new() { Name = "Download your data" }).ClickAsync());
        Assert.Matches(@"^threshold-account-\d{4}-\d{2}-\d{2}\.json$", download.SuggestedFilename);
        using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken)))
            Assert.Equal(person.Username, json.RootElement.GetProperty("profile").GetProperty("username").GetString());

        var understood = Page.GetByLabel("I understand this cannot be undone");
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("Tick the box to confirm");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await Expect(understood).ToHaveAttributeAsync("aria-invalid", "true");
        await CheckPageAsync("the your-data page after deleting without the confirmation");

        await understood.CheckAsync();
        await Page.GetByRole(AriaRole.Button, new() { Name = "Delete my account" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/deleted");
        await Expect(Heading(Page)).ToHaveTextAsync("Your account was deleted");
        await Expect(HeaderNav(Page).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
        await CheckPageAsync("the account-deleted page");
    }
}
