using System.Globalization;
using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>
/// The login history and the sessions page as a person sees them: the entries, times in their own
/// time zone, "This device", signing another browser out; every state checked with axe and the console.
/// </summary>
public sealed class SecurityCenterPages(ThresholdServer server, Chromium chromium)
    : TwoStepTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task The_login_history_lists_each_attempt_with_the_time_in_the_readers_own_time_zone()
    {
        var person = Person.New();
        await RegisterConfirmedAsync(Page, person);
        await SignOutAsync(Page);
        await SignInAsync(Page, person.Username, person.Password + "x");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("not right");
        await PasswordField(Page).FillAsync(person.Password);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await ExpectPathAsync(Page, "/account");

        // The reader is in Tokyo (UTC+9, no daylight saving time).
        var cdp = await Page.Context.NewCDPSessionAsync(Page);
        await cdp.SendAsync("Emulation.setTimezoneOverride", new Dictionary<string, object> { ["timezoneId"] = "Asia/Tokyo" });

        await Page.GetByRole(AriaRole.Link, new() { Name = "Login history" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/activity");
        await Expect(Heading(Page)).ToHaveTextAsync("Login history");
        var table = Page.GetByRole(AriaRole.Table, new() { Name = "Sign-in attempts, page 1 of 1" });
        await Expect(table).ToBeVisibleAsync();
        var rows = table.GetByRole(AriaRole.Row);
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(table.GetByRole(AriaRole.Columnheader)).ToHaveTextAsync(["Date and time", "Result", "Method", "Device", "IP address", "Location", "Report"]);

        var newest = rows.Nth(1);
        await Expect(newest.GetByRole(AriaRole.Cell).Nth(0)).ToHaveTextAsync("Signed in");
        await Expect(newest.GetByRole(AriaRole.Cell).Nth(1)).ToHaveTextAsync("Password");
        await Expect(newest.GetByRole(AriaRole.Cell).Nth(2)).ToHaveTextAsync("Chrome on Linux");
        await Expect(newest.GetByRole(AriaRole.Cell).Nth(4)).ToHaveTextAsync("Local network");
        await Expect(newest.GetByRole(AriaRole.Link, new() { Name = "This wasn't me" })).ToHaveAttributeAsync("href",
            new System.Text.RegularExpressions.Regex(@"^/account/not-me\?reference=[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$"));
        var older = rows.Nth(2);
        await Expect(older.GetByRole(AriaRole.Cell).Nth(0)).ToHaveTextAsync("Wrong password");

        // The script rewrote the UTC time into the reader's zone; the UTC text stays in the title.
        var time = newest.Locator("time");
        var iso = (await time.GetAttributeAsync("datetime"))!;
        var title = (await time.GetAttributeAsync("title"))!;
        Assert.EndsWith(" UTC", title);
        var tokyo = DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture).ToOffset(TimeSpan.FromHours(9));
        await Expect(time).ToContainTextAsync(tokyo.ToString("HH:mm", CultureInfo.InvariantCulture));
        await Expect(time).ToContainTextAsync("GMT+9");
        await Expect(time).Not.ToHaveTextAsync(title);
        await CheckPageAsync("the login history");

        await Page.GotoAsync("/account/activity?page=5");
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("There is nothing more to show");
        await Expect(Page.GetByRole(AriaRole.Link, new() { Name = "Go to the newest entries" })).ToBeVisibleAsync();
        await CheckPageAsync("the login history past its last page");

        await Page.GotoAsync("/account/activity?page=nope");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync("There is no such page of your history.");
        await Expect(Page.GetByRole(AriaRole.Alert)).ToContainTextAsync(ReferenceCode());
        await CheckPageAsync("the login history with a page number it cannot show");
    }

    [Fact]
    public async Task The_sessions_page_marks_this_device_and_signs_another_browser_out()
    {
        var person = Person.New();
        await RegisterConfirmedAsync(Page, person);
        var phone = await NewPageInNewContextAsync();
        await phone.GotoAsync("/");
        await SignInAsync(phone, person.Username, person.Password);
        await ExpectPathAsync(phone, "/account");

        await Page.GotoAsync("/account");
        await Page.GetByRole(AriaRole.Link, new() { Name = "Active sessions" }).ClickAsync();
        await ExpectPathAsync(Page, "/account/sessions");
        await Expect(Heading(Page)).ToHaveTextAsync("Active sessions");
        var sessions = Page.GetByRole(AriaRole.Main).GetByRole(AriaRole.Listitem);
        await Expect(sessions).ToHaveCountAsync(2);
        var mine = sessions.Filter(new() { HasText = "This device" });
        var other = sessions.Filter(new() { HasNotText = "This device" });
        await Expect(mine).ToHaveCountAsync(1);
        await Expect(mine.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Chrome on Linux This device");
        await Expect(mine).ToContainTextAsync("Local network");
        await Expect(other.GetByRole(AriaRole.Heading)).ToHaveTextAsync("Chrome on Linux");
        await Expect(other.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToHaveAccessibleDescriptionAsync("Chrome on Linux");
        await Expect(Page.GetByRole(AriaRole.Button, new() { Name = "Sign out everywhere else" })).ToBeVisibleAsync();
        await CheckPageAsync("the sessions page with two sessions");

        await other.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(Page.GetByRole(AriaRole.Status)).ToContainTextAsync("That session was signed out.");
        await Expect(sessions).ToHaveCountAsync(1);
        await Expect(Page.GetByRole(AriaRole.Main)).ToContainTextAsync("Only this browser is signed in.");
        await CheckPageAsync("the sessions page after signing another browser out");

        // The other browser's next request finds itself signed out.
        await phone.ReloadAsync();
        await ExpectPathAsync(phone, "/signin?returnUrl=%2Faccount");
        await Expect(HeaderNav(phone).GetByRole(AriaRole.Link, new() { Name = "Sign in" })).ToBeVisibleAsync();
    }
}
