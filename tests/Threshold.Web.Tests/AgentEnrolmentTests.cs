using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Secrets;
using Threshold.Core.Support;

namespace Threshold.Web.Tests;

/// <summary>
/// Issue 8, item 3: an operator's <c>agents add EMAIL</c> prints a one-time enrolment link; only the
/// account with that verified email, signed in with two steps, becomes an agent by accepting it, once.
/// <c>agents remove</c> takes the role away at the next request.
/// </summary>
public sealed class AgentEnrolmentTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = TwoFactorPages.NewClock();
    private readonly LogCollector _logs = new();
    private ThresholdFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new ThresholdFactory { Clock = _clock, Logs = _logs };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    /// <summary>A verified account with an authenticator app, signed in with both steps in the returned browser (not an agent).</summary>
    private async Task<(Browser Browser, TestUser User, TotpEnrolment Totp)> TwoStepUserAsync()
    {
        var (browser, user, totp) = await _app.UserWithTotpAsync(_clock);
        await browser.SignOutAsync();
        await browser.SignInWithTotpAsync(user, _clock.NextCode(totp.Key));
        return (browser, user, totp);
    }

    private async Task<List<AgentAuditEntry>> EnrolmentLinesAsync(string email)
    {
        var account = await _app.AccountAsync(email);
        return (await _app.AuditAsync(account!.Id)).Where(a => a.Action == AgentAction.AgentEnrolled).ToList();
    }

    [Fact]
    public async Task The_invited_account_accepts_the_printed_link_and_opens_the_console()
    {
        var (browser, user, _) = await TwoStepUserAsync();
        Assert.Equal(HttpStatusCode.Forbidden, (await browser.ConsoleAsync()).Status);

        var (code, output) = await _app.AgentsAsync("add", user.Email);
        Assert.Equal(0, code);
        Assert.Contains("works once, for 24 hours", output);
        var path = Site.PathOf(AgentEnrolmentPages.LinkPattern().Match(output).Value);

        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Become a support agent", page.Heading);
        Assert.Contains("security history", page.MainText);
        Assert.Contains("recorded in an audit log", page.MainText);
        Assert.True(page.HasButton(AgentEnrolmentPages.AcceptButton));
        // Looking changes nothing.
        Assert.False(await _app.IsAgentAsync(user.Email));
        Assert.Empty(await EnrolmentLinesAsync(user.Email));

        (await page.Form(AgentEnrolmentPages.AcceptButton).SubmitAsync()).AssertRedirectsTo("/support");
        Assert.True(await _app.IsAgentAsync(user.Email));
        Assert.Equal(HttpStatusCode.OK, (await browser.ConsoleAsync()).Status);
        var line = Assert.Single(await EnrolmentLinesAsync(user.Email));
        Assert.Equal(AgentActionOutcome.Done, line.Outcome);
        Assert.Equal(user.Username, line.AgentName);

        // The link is a secret: printed for the operator, never logged; only its hash is stored.
        var token = Mail.TokenOf(path);
        Assert.DoesNotContain(_logs.Lines, l => l.Contains(token, StringComparison.Ordinal));
        var stored = Assert.Single(await _app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.AgentInvitations, Ct)));
        Assert.Equal(SecretToken.Hash(token), stored.TokenHash);
    }

    [Fact]
    public async Task Another_account_opening_the_link_is_refused_and_gains_nothing()
    {
        var invited = RecoveryPages.NewUser("invited");
        var path = await _app.InviteAsync(invited.Email);
        var (stranger, strangerUser, _) = await TwoStepUserAsync();

        var page = await stranger.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Equal("This invitation is for another account", page.Heading);
        Assert.Contains("Nothing was changed", page.AlertText);
        Assert.NotNull(page.Reference);
        Assert.False(page.HasButton(AgentEnrolmentPages.AcceptButton));

        var forged = await stranger.PostAcceptAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.False(await _app.IsAgentAsync(strangerUser.Email));
        Assert.Equal(HttpStatusCode.Forbidden, (await stranger.ConsoleAsync()).Status);
        var refused = Assert.Single(await EnrolmentLinesAsync(strangerUser.Email));
        Assert.Equal((AgentActionOutcome.Refused, "wrong_account"), (refused.Outcome, refused.Detail));
        Assert.Equal(forged.Reference, refused.ReferenceCode);
    }

    [Fact]
    public async Task An_unknown_or_malformed_token_is_a_400_with_a_reference()
    {
        var (browser, _) = await _app.SignedInAsync();
        foreach (var token in new[] { SecretToken.New(), "short", new string('A', 10_000), "" })
        {
            var page = await browser.GetAsync(AgentEnrolmentPages.EnrolmentPath + "?token=" + Uri.EscapeDataString(token));
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Equal("This link is not valid", page.Heading);
            Assert.NotNull(page.Reference);
        }
    }

    [Fact]
    public async Task Without_a_second_factor_there_is_no_accept_but_the_way_to_set_one_up_and_back()
    {
        var user = RecoveryPages.NewUser("agent");
        var browser = await _app.VerifiedUserAsync(user);
        var path = await _app.InviteAsync(user.Email);

        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.False(page.HasButton(AgentEnrolmentPages.AcceptButton));
        Assert.Contains("must use two-step sign-in", page.MainText);
        var setUp = page.Link("Set up two-step sign-in").Href();
        Assert.Equal("/account/two-factor?returnUrl=" + Uri.EscapeDataString(path), setUp);

        var forged = await browser.PostAcceptAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.NotNull(forged.Reference);
        Assert.False(await _app.IsAgentAsync(user.Email));
        Assert.Equal("no_second_factor", Assert.Single(await EnrolmentLinesAsync(user.Email)).Detail);

        // Set up in this session (signed in with the password only), so the session must still prove the factor.
        var totp = await browser.EnrolTotpAsync(_clock, await browser.GetAsync(setUp));
        var back = await browser.Http.GetAsync(path, Ct);
        back.AssertRedirectsTo("/account/reauthenticate?returnUrl=" + Uri.EscapeDataString(path));
        var step = await browser.FollowAsync(await browser.ReauthenticateAsync(back.RedirectTarget(), user.Password));
        (await step.EnterCodeAsync(_clock.NextCode(totp.Key))).AssertRedirectsTo(path);

        var ready = await browser.GetAsync(path);
        (await ready.Form(AgentEnrolmentPages.AcceptButton).SubmitAsync()).AssertRedirectsTo("/support");
        Assert.True(await _app.IsAgentAsync(user.Email));
    }

    [Fact]
    public async Task An_expired_link_is_410_and_grants_nothing()
    {
        var (browser, user, totp) = await TwoStepUserAsync();
        var path = await _app.InviteAsync(user.Email);
        Assert.True((await browser.GetAsync(path)).HasButton(AgentEnrolmentPages.AcceptButton));

        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));
        // The session ended meanwhile too (idle and absolute limits): sign in with both steps again.
        await browser.SignInWithTotpAsync(user, _clock.NextCode(totp.Key));
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Gone, page.Status);
        Assert.Equal("This link is no longer valid", page.Heading);
        Assert.NotNull(page.Reference);
        Assert.Equal(HttpStatusCode.Gone, (await browser.PostAcceptAsync(path)).Status);
        Assert.False(await _app.IsAgentAsync(user.Email));
        Assert.Empty(await EnrolmentLinesAsync(user.Email));
    }

    [Fact]
    public async Task A_link_works_once_a_second_accept_is_410_and_changes_nothing()
    {
        var (browser, user, _) = await TwoStepUserAsync();
        var path = await _app.InviteAsync(user.Email);
        var form = (await browser.GetAsync(path)).Form(AgentEnrolmentPages.AcceptButton);
        (await form.SubmitAsync()).AssertRedirectsTo("/support");

        var again = await Page.LoadAsync(browser, await form.SubmitAsync());
        Assert.Equal(HttpStatusCode.Gone, again.Status);
        Assert.Equal("This link is no longer valid", again.Heading);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(path)).Status);
        Assert.Single(await EnrolmentLinesAsync(user.Email));
    }

    [Fact]
    public async Task Signed_out_the_link_goes_to_sign_in_and_back_even_for_an_account_registered_after_the_invitation()
    {
        var user = RecoveryPages.NewUser("agent");
        var path = await _app.InviteAsync(user.Email);
        var registering = await _app.VerifiedUserAsync(user);
        var totp = await registering.EnrolTotpAsync(_clock);

        var browser = _app.NewBrowser();
        var visit = await browser.Http.GetAsync(path, Ct);
        visit.AssertRedirectsTo("/signin?returnUrl=" + Uri.EscapeDataString(path));

        var signIn = await browser.SignInAsync(user.Username, user.Password, returnUrl: path);
        signIn.AssertRedirectsTo(TwoFactorPages.SecondStepPath + "?returnUrl=" + Uri.EscapeDataString(path));
        var step = await browser.GetAsync(signIn.RedirectTarget());
        (await step.EnterCodeAsync(_clock.NextCode(totp.Key))).AssertRedirectsTo(path);

        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        (await page.Form(AgentEnrolmentPages.AcceptButton).SubmitAsync()).AssertRedirectsTo("/support");
    }

    [Fact]
    public async Task Removing_an_agent_closes_the_console_at_the_next_request_and_is_audited()
    {
        var (agent, user, _) = await _app.AgentAsync(_clock);
        var invited = TestUser.UniqueEmail();
        await _app.InviteAsync(invited);

        var (listed, list) = await _app.AgentsAsync("list");
        Assert.Equal(0, listed);
        Assert.Contains(user.Email, list);
        Assert.Contains(user.Username, list);
        Assert.Contains(invited, list);

        Assert.Equal(HttpStatusCode.OK, (await agent.ConsoleAsync()).Status);
        var (removed, output) = await _app.AgentsAsync("remove", user.Email.ToUpperInvariant());
        Assert.Equal(0, removed);
        Assert.Contains("is no longer an agent", output);
        Assert.Equal(HttpStatusCode.Forbidden, (await agent.ConsoleAsync()).Status);

        var account = await _app.AccountAsync(user.Email);
        var line = Assert.Single(await _app.AuditAsync(account!.Id), a => a.Action == AgentAction.AgentRemoved);
        Assert.Equal(("operator", AgentActionOutcome.Done), (line.AgentName, line.Outcome));
        Assert.DoesNotContain(user.Email, (await _app.AgentsAsync("list")).Output);

        // Nothing left to remove: said plainly, with its own exit code.
        Assert.Equal(1, (await _app.AgentsAsync("remove", user.Email)).ExitCode);
    }

    [Fact]
    public async Task Removing_withdraws_open_links_so_they_cannot_grant_the_role_back()
    {
        var (browser, user, _) = await TwoStepUserAsync();
        var path = await _app.InviteAsync(user.Email);
        var (code, output) = await _app.AgentsAsync("remove", user.Email);
        Assert.Equal(0, code);
        Assert.Contains("1 open enrolment link was withdrawn", output);
        Assert.Equal(HttpStatusCode.Gone, (await browser.GetAsync(path)).Status);
        Assert.False(await _app.IsAgentAsync(user.Email));
    }

    [Theory]
    [InlineData]
    [InlineData("frobnicate")]
    [InlineData("add")]
    [InlineData("add", "not-an-email")]
    [InlineData("add", "a@b.example", "c@d.example")]
    [InlineData("remove")]
    [InlineData("remove", "pat@@example.test")]
    [InlineData("list", "everything")]
    public async Task Bad_arguments_exit_with_2_and_the_usage(params string[] words)
    {
        var (code, output) = await _app.AgentsAsync(words);
        Assert.Equal(2, code);
        Assert.Contains("Usage:", output);
        Assert.Contains("agents add EMAIL", output);
        Assert.Empty(await _app.QueryAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.AgentInvitations, Ct)));
    }

    [Fact]
    public async Task The_real_command_line_prints_a_link_for_the_configured_origin()
    {
        var folder = Directory.CreateTempSubdirectory("threshold-agents-cli-").FullName;
        try
        {
            var database = Path.Combine(folder, "threshold.db");
            var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
            {
                WorkingDirectory = AppContext.BaseDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "Threshold.Web.dll"), "agents", "add", "x@example.test" })
                start.ArgumentList.Add(argument);
            start.Environment["ConnectionStrings__Threshold"] = $"Data Source={database}";
            start.Environment["Threshold__PublicOrigin"] = "https://id.example.test";
            start.Environment["DOTNET_USE_POLLING_FILE_WATCHER"] = "1";
            start.Environment.Remove("ASPNETCORE_ENVIRONMENT");
            start.Environment.Remove("DOTNET_ENVIRONMENT");

            using var process = Process.Start(start)!;
            var stdout = process.StandardOutput.ReadToEndAsync(Ct);
            var stderr = process.StandardError.ReadToEndAsync(Ct);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            timeout.CancelAfter(TimeSpan.FromMinutes(2));
            await process.WaitForExitAsync(timeout.Token);
            var output = await stdout;

            Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}\n{output}\n{await stderr}");
            var link = AgentEnrolmentPages.LinkPattern().Match(output);
            Assert.True(link.Success, "No link in:\n" + output);
            Assert.StartsWith("https://id.example.test/account/agent-enrolment?token=", link.Value);
            Assert.Contains("24 hours", output);

            await using var db = new SqliteConnection($"Data Source={database};Pooling=false");
            await db.OpenAsync(Ct);
            await using var query = db.CreateCommand();
            query.CommandText = "SELECT TokenHash FROM AgentInvitations WHERE NormalizedEmail = 'X@EXAMPLE.TEST'";
            Assert.Equal(SecretToken.Hash(Mail.TokenOf(link.Value)), await query.ExecuteScalarAsync(Ct));
        }
        finally
        {
            try { Directory.Delete(folder, recursive: true); }
            catch (IOException) { }
        }
    }
}
