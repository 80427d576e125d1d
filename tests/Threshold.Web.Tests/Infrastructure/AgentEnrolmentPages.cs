using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Support;
using Threshold.Web.Infrastructure;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>The operator's <c>agents</c> command run in-process, and the enrolment link it prints.</summary>
public static partial class AgentEnrolmentPages
{
    public const string EnrolmentPath = "/account/agent-enrolment";
    public const string AcceptButton = "Accept";

    [GeneratedRegex(@"https?://\S+/account/agent-enrolment\?token=[A-Za-z0-9_\-]+")]
    public static partial Regex LinkPattern();

    /// <summary>Runs <c>agents …</c> against the app's database as Program.cs would; the exit code and everything printed.</summary>
    public static async Task<(int ExitCode, string Output)> AgentsAsync(this ThresholdFactory app, params string[] words)
    {
        using var output = new StringWriter();
        var code = await AgentCommands.RunAsync(app.Services, ["agents", .. words], output);
        return (code, output.ToString());
    }

    /// <summary><c>agents add EMAIL</c>; asserts it succeeded and returns the printed link's path and query.</summary>
    public static async Task<string> InviteAsync(this ThresholdFactory app, string email)
    {
        var (code, output) = await app.AgentsAsync("add", email);
        Assert.True(code == 0, $"agents add exited with {code}:\n{output}");
        var link = LinkPattern().Match(output);
        Assert.True(link.Success, "No enrolment link in:\n" + output);
        Assert.StartsWith(PublicOrigin + EnrolmentPath, link.Value);
        return Site.PathOf(link.Value);
    }

    /// <summary>Registers <paramref name="user"/> and confirms the address; the returned browser is signed in (confirming signs in).</summary>
    public static async Task<Browser> VerifiedUserAsync(this ThresholdFactory app, TestUser user)
    {
        var browser = app.NewBrowser();
        var link = await browser.RegisterAndGetLinkAsync(app, user);
        var confirmed = await (await browser.GetAsync(Site.PathOf(link))).Form("Confirm email address").SubmitAsync();
        Assert.StartsWith("/account", confirmed.RedirectTarget());
        return browser;
    }

    /// <summary>Posts "Accept" for <paramref name="path"/> directly, as a forged or replayed form would (with a valid antiforgery token).</summary>
    public static async Task<Page> PostAcceptAsync(this Browser browser, string path)
    {
        var antiforgery = await browser.AntiforgeryTokenAsync("/account");
        var token = path[(path.IndexOf("token=", StringComparison.Ordinal) + "token=".Length)..];
        return await Page.LoadAsync(browser, await browser.PostFormAsync(EnrolmentPath,
            [new("token", Uri.UnescapeDataString(token)), new("__RequestVerificationToken", antiforgery)]));
    }

    public static async Task<bool> IsAgentAsync(this ThresholdFactory app, string email)
    {
        var account = await app.AccountAsync(email) ?? throw new InvalidOperationException("no account " + email);
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IAgentDirectory>().IsAgentAsync(account.Id, Ct);
    }
}
