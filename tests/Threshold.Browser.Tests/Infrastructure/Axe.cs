using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace Threshold.Browser.Tests.Infrastructure;

/// <summary>axe-core with the WCAG 2.0, 2.1 and 2.2 level A and AA rules: a page passes with no violation at all.</summary>
public static class Axe
{
    public static readonly string[] WcagTags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

    public static async Task AssertNoViolationsAsync(IPage page, string state)
    {
        var result = await page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = [.. WcagTags] },
        });
        if (result.Violations.Length == 0) return;

        var report = string.Join("\n", result.Violations.SelectMany(rule => rule.Nodes.Select(node =>
            $"  - {rule.Id} ({rule.Impact}) at {node.Target}: {rule.Help}\n      {node.Html}\n      {rule.HelpUrl}")));
        Assert.Fail($"axe found {result.Violations.Length} WCAG A/AA violation(s) on {state} ({page.Url}):\n{report}");
    }
}
