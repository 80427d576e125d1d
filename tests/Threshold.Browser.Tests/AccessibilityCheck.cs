using Microsoft.Playwright;
using Threshold.Browser.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace Threshold.Browser.Tests;

/// <summary>The axe check that every other test relies on does fail, and says where and why.</summary>
public sealed class AccessibilityCheck(ThresholdServer server, Chromium chromium)
    : BrowserTest(server, chromium), IClassFixture<Chromium>
{
    [Fact]
    public async Task A_field_that_loses_its_label_is_reported_with_rule_target_and_help()
    {
        await Page.GotoAsync("/signin");
        await Axe.AssertNoViolationsAsync(Page, "the sign-in page as served");

        await Page.EvaluateAsync("() => document.querySelector('label[for=password]').remove()");
        await Expect(PasswordField(Page)).ToHaveCountAsync(0);

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => Axe.AssertNoViolationsAsync(Page, "the sign-in page without its password label"));
        Assert.Contains("label (critical) at #password", failure.Message);
        Assert.Contains("Form elements must have labels", failure.Message);
    }
}
