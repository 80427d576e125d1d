using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Localization;
using Microsoft.Extensions.Time.Testing;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Support;
using Threshold.Core.Support.Search;
using Threshold.Web.Pages.Support;

namespace Threshold.Web.Tests;

/// <summary>
/// Issue 8, items 4 and 7: the console's queue, search, request and customer pages and the
/// agents' audit log — exact searches that treat every character as itself, encoded output, no
/// secrets, closing a request once with its audit line, and nothing of it open to customers.
/// </summary>
public sealed class SupportConsoleTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = TwoFactorPages.NewClock();
    private ThresholdFactory _app = null!;

    public ValueTask InitializeAsync()
    {
        _app = new ThresholdFactory { Clock = _clock };
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();

    // ------------------------------------------------------------------ reference codes

    [Fact]
    public async Task A_failed_sign_ins_reference_finds_the_event_and_the_customers_timeline_highlights_it()
    {
        var customer = await _app.RegisteredUserAsync();
        using var stranger = new Browser(_app, UserAgents.FirefoxOnLinux);
        var failed = await Page.LoadAsync(stranger, await stranger.SignInAsync(customer.Username, customer.Password + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, failed.Status);
        var reference = failed.Reference!;
        var address = stranger.Http.DefaultRequestHeaders.GetValues(ClientAddress.Header).Single();
        var (agent, _, _) = await _app.AgentAsync(_clock);

        // Read aloud and retyped: lower case, no hyphen.
        var found = await agent.ConsoleSearchAsync(reference.ToLowerInvariant().Replace("-", "", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Contains("Event " + reference, found.MainText);
        Assert.Contains("Sign-in failed", found.MainText);
        Assert.Contains("Wrong password", found.MainText);
        Assert.Equal(customer.Username, Assert.Single(found.TableRows("Customers found"))["Username"]);
        var account = (await _app.AccountAsync(customer.Email))!;
        var link = found.Link("Show it in the customer's timeline").Href();
        Assert.StartsWith($"/support/customers/{account.Id}?reference={reference}", link);

        var timeline = await agent.GetAsync(link);

        Assert.Equal(HttpStatusCode.OK, timeline.Status);
        var row = Assert.Single(timeline.TableRows("Security events"), r => r.Row.ClassList.Contains("looked-up-row"));
        Assert.Equal("event-" + reference, row.Row.Id);
        Assert.Contains("Looked-up event", row["Date and time"]);
        Assert.Equal("Sign-in failed", row["What happened"]);
        Assert.Equal("Wrong password", row["Result or reason"]);
        Assert.Equal("Firefox on Linux", row["Device"]);
        Assert.Equal(address, row["IP address"]);
        Assert.Equal("Local network", row["Location"]);
        Assert.Equal(reference, row["Reference"]);
    }

    [Fact]
    public async Task A_failed_sign_in_for_an_unknown_identifier_is_shown_as_the_event_itself()
    {
        using var stranger = new Browser(_app);
        var typed = "nobody_" + Guid.NewGuid().ToString("N")[..8];
        var failed = await Page.LoadAsync(stranger, await stranger.SignInAsync(typed, "Quiet harbor lantern"));
        var (agent, _, _) = await _app.AgentAsync(_clock);

        var found = await agent.ConsoleSearchAsync(failed.Reference!);

        Assert.Equal(HttpStatusCode.OK, found.Status);
        Assert.Contains("Event " + failed.Reference, found.MainText);
        Assert.Contains(typed, found.MainText);
        Assert.Contains("No account has this identifier", found.MainText);
        Assert.Contains(stranger.Http.DefaultRequestHeaders.GetValues(ClientAddress.Header).Single(), found.MainText);
        Assert.Contains("This event belongs to no account", found.MainText);
        Assert.Contains("No customers match.", found.MainText);
    }

    [Fact]
    public async Task An_event_of_another_account_is_not_highlighted_on_a_customers_timeline()
    {
        var customer = await _app.RegisteredUserAsync();
        var other = await _app.RegisteredUserAsync();
        using var stranger = new Browser(_app);
        var failed = await Page.LoadAsync(stranger, await stranger.SignInAsync(other.Username, "wrong password here"));
        var (agent, _, _) = await _app.AgentAsync(_clock);
        var account = (await _app.AccountAsync(customer.Email))!;

        var page = await agent.GetAsync($"/support/customers/{account.Id}?reference={failed.Reference}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains($"No event of this account has the reference {failed.Reference}.", page.MainText);
        Assert.DoesNotContain("Looked-up event", page.MainText);
    }

    [Fact]
    public async Task A_looked_up_event_that_is_not_on_the_page_is_shown_first_on_its_own()
    {
        var customer = await _app.RegisteredUserAsync();
        var account = (await _app.AccountAsync(customer.Email))!;
        var oldest = ReferenceCode.New();
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<ISecurityEventLog>();
            var start = _clock.GetUtcNow().AddDays(-2);
            await log.RecordAsync(SecurityEvent.Of(SecurityEventKind.SignInFailed, start, new ClientInfo("192.0.2.1", null), oldest, account.Id,
                customer.Username, "caps_lock"), Ct);
            for (var i = 1; i <= 24; i++)
                await log.RecordAsync(SecurityEvent.Of(SecurityEventKind.SignedOut, start.AddMinutes(i), ClientInfo.Unknown, ReferenceCode.New(),
                    account.Id, customer.Username), Ct);
        }
        var (agent, _, _) = await _app.AgentAsync(_clock);

        var first = await agent.GetAsync($"/support/customers/{account.Id}?reference={oldest}");

        var rows = first.TableRows("Security events, page 1 of 2");
        Assert.Equal(20, rows.Count);
        Assert.DoesNotContain(rows, r => r["Reference"] == oldest);
        var box = first.Document.GetElementById("event-" + oldest)!;
        Assert.Equal("Looked-up event", Page.Normalize(box.QuerySelector("h3")?.TextContent));
        Assert.Contains("Password typed with Caps Lock on", Page.Normalize(box.TextContent));
        Assert.True(box.CompareDocumentPosition(first.Document.QuerySelector("main table.timeline")!).HasFlag(AngleSharp.Dom.DocumentPositions.Following));

        var second = await agent.GetAsync(first.Document.QuerySelector("a[rel=next]")!.GetAttribute("href")!);

        var last = second.TableRows("Security events, page 2 of 2")[^1];
        Assert.Equal(oldest, last["Reference"]);
        Assert.Contains("looked-up-row", last.Row.ClassList);
        Assert.Equal("Security events, page 2 of 2", Page.Normalize(second.Document.QuerySelector("main table.timeline caption")?.TextContent));
        Assert.Null(second.Document.QuerySelector("section.looked-up"));
    }

    // ------------------------------------------------------------------ queue and requests

    [Fact]
    public async Task A_request_is_queued_shown_encoded_and_closed_once_with_its_audit_line()
    {
        var (agent, agentUser, _) = await _app.AgentAsync(_clock);
        var agentId = (await _app.AccountAsync(agentUser.Email))!.Id;
        var older = await _app.SeedRequestAsync(_clock.GetUtcNow().AddHours(-2), "First in the queue");
        var request = await _app.SeedRequestAsync(_clock.GetUtcNow().AddHours(-1),
            "<script>alert(1)</script>\nI changed phones & lost my app.", contact: "<b>me</b>@example.test");

        var queue = await agent.ConsoleAsync();

        var rows = queue.TableRows("Open requests, oldest first");
        Assert.Equal(new[] { older.Number, request.Number }, rows.Select(r => r["Request"]));
        Assert.Equal("Can't sign in", rows[1]["Kind"]);
        Assert.Equal("No account matched", rows[1]["Account"]);
        Assert.EndsWith(" UTC", rows[1]["Opened"]);

        var page = await agent.GetAsync(queue.Link(request.Number)!.Href());
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Request " + request.Number, page.Heading);
        Assert.DoesNotContain("<script>alert(1)</script>", page.Html);
        Assert.DoesNotContain("<b>me</b>", page.Html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", page.Html);
        var description = page.Document.QuerySelector("dd.written")!;
        Assert.Equal("<script>alert(1)</script>\nI changed phones & lost my app.", description.TextContent);

        var close = page.Form("Close request").Fill("What was done", "Checked the contact; sent them to \"Forgot password?\".");
        var closed = await close.SubmitAndLoadAsync();

        Assert.Equal(HttpStatusCode.OK, closed.Status);
        Assert.Contains("The request is closed.", closed.MainText);
        Assert.Contains("Closed", closed.MainText);
        Assert.False(closed.HasButton("Close request"));
        var stored = (await _app.RequestAsync(request.Number))!;
        Assert.Equal(SupportRequestStatus.Closed, stored.Status);
        Assert.Equal(agentId, stored.ClosedBy);
        var line = Assert.Single(await _app.AuditAsync(), a => a.Action == AgentAction.RequestClosed);
        Assert.Equal((AgentActionOutcome.Done, agentId, agentUser.Username, request.Number), (line.Outcome, line.AgentId, line.AgentName, line.RequestNumber));
        Assert.Equal("Checked the contact; sent them to \"Forgot password?\".", line.Reason);
        Assert.Null(line.FormToken);
        Assert.Equal(agent.Http.DefaultRequestHeaders.GetValues(ClientAddress.Header).Single(), line.IpAddress);
        Assert.Matches("^[A-Z2-9]{4}-[A-Z2-9]{4}$", line.ReferenceCode);

        // The same form again (a double click, a second tab): nothing more is written.
        var again = await close.SubmitAndLoadAsync();
        Assert.Contains("already closed", again.MainText);
        Assert.Single(await _app.AuditAsync(), a => a.Action == AgentAction.RequestClosed);

        var open = (await agent.ConsoleAsync()).TableRows("Open requests");
        Assert.Equal(new[] { older.Number }, open.Select(r => r["Request"]));
        var closedList = (await agent.ConsoleAsync("?status=closed")).TableRows("Closed requests");
        Assert.Equal(new[] { request.Number }, closedList.Select(r => r["Request"]));
    }

    /// <summary>(A NUL in a form never gets this far: ASP.NET Core refuses such a form with a plain 400.)</summary>
    [Fact]
    public async Task Closing_needs_a_note_of_sane_length_and_keeps_what_was_typed()
    {
        var (agent, _, _) = await _app.AgentAsync(_clock);
        var request = await _app.SeedRequestAsync(_clock.GetUtcNow());
        var page = await agent.GetAsync("/support/requests/" + request.Number);

        foreach (var (note, error) in new[] { ("   ", "Write what was done"), (new string('x', 10_000), "at most 500 characters"), ("a\u0007b", "control characters") })
        {
            var refused = await page.Form("Close request").Fill("What was done", note).SubmitAndLoadAsync();
            Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
            Assert.Contains(error, refused.FieldError("What was done"));
            Assert.NotNull(refused.Reference);
            Assert.Contains(error, refused.AlertText);
            if (note.Length > 500) Assert.Equal(note, refused.Control("What was done").TextContent);
        }
        Assert.Equal(SupportRequestStatus.Open, (await _app.RequestAsync(request.Number))!.Status);
        Assert.Empty(await _app.AuditAsync());
    }

    [Fact]
    public async Task A_request_about_the_agents_own_account_cannot_be_closed_by_them_and_the_attempt_is_audited()
    {
        var (agent, agentUser, _) = await _app.AgentAsync(_clock);
        var agentId = (await _app.AccountAsync(agentUser.Email))!.Id;
        var request = await _app.SeedRequestAsync(_clock.GetUtcNow(), accountId: agentId, contact: agentUser.Email);

        var page = await agent.GetAsync("/support/requests/" + request.Number);
        Assert.Contains("Actions are not available on your own account", page.MainText);
        Assert.False(page.HasButton("Close request"));
        Assert.Null(page.Link("Verify identity and act"));

        var forced = await agent.PostFormAsync($"/support/requests/{request.Number}?handler=Close",
            [new("__RequestVerificationToken", page.AntiforgeryToken()), new("Note", "closing my own request")]);

        Assert.Equal(HttpStatusCode.Forbidden, forced.StatusCode);
        Assert.Equal(SupportRequestStatus.Open, (await _app.RequestAsync(request.Number))!.Status);
        var line = Assert.Single(await _app.AuditAsync());
        Assert.Equal((AgentAction.RequestClosed, AgentActionOutcome.Refused, "own_account", agentId, "closing my own request"),
            (line.Action, line.Outcome, line.Detail, line.AccountId, line.Reason));
    }

    [Fact]
    public async Task A_request_with_an_account_links_to_it_and_to_verifying_identity()
    {
        var customer = await _app.RegisteredUserAsync();
        var account = (await _app.AccountAsync(customer.Email))!;
        var (agent, _, _) = await _app.AgentAsync(_clock);
        var request = await _app.SeedRequestAsync(_clock.GetUtcNow(), accountId: account.Id, eventReference: "ABCD-EFGH",
            kind: SupportRequestKind.NotMe);

        var queueRow = Assert.Single((await agent.ConsoleAsync()).TableRows("Open requests"));
        Assert.Equal("Matched: " + customer.Username, queueRow["Account"]);
        Assert.Equal("This wasn't me", queueRow["Kind"]);

        var page = await agent.GetAsync("/support/requests/" + request.Number.ToLowerInvariant());
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal($"/support/customers/{account.Id}", page.Link(customer.Username).Href());
        Assert.Equal($"/support/customers/{account.Id}/act?request={request.Number}", page.Link("Verify identity and act").Href());
        Assert.Equal("/support/search?q=ABCD-EFGH", page.Link("ABCD-EFGH").Href());
    }

    // ------------------------------------------------------------------ search

    [Fact]
    public async Task Search_finds_customers_by_email_recovery_email_username_and_phone_in_any_form()
    {
        var customer = await _app.RegisteredUserAsync();
        var bystander = await _app.RegisteredUserAsync();
        var recovery = $"backup.{Guid.NewGuid().ToString("N")[..8]}@example.net";
        var unverified = $"unverified.{Guid.NewGuid().ToString("N")[..8]}@example.net";
        await _app.QueryAsync(db => db.Users.Where(a => a.Email == customer.Email).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.RecoveryEmail, recovery).SetProperty(a => a.NormalizedRecoveryEmail, recovery.ToUpperInvariant())
            .SetProperty(a => a.RecoveryEmailVerifiedAt, _clock.GetUtcNow())
            .SetProperty(a => a.PhoneNumber, "+442079460123").SetProperty(a => a.PhoneNumberConfirmed, true), Ct));
        // An address or number nobody proved finds nothing: it might not be theirs.
        await _app.QueryAsync(db => db.Users.Where(a => a.Email == bystander.Email).ExecuteUpdateAsync(u => u
            .SetProperty(a => a.RecoveryEmail, unverified).SetProperty(a => a.NormalizedRecoveryEmail, unverified.ToUpperInvariant())
            .SetProperty(a => a.PhoneNumber, "+442079460456").SetProperty(a => a.PhoneNumberConfirmed, false), Ct));
        var (agent, _, _) = await _app.AgentAsync(_clock);

        foreach (var typed in new[]
                 {
                     customer.Email, customer.Email.ToUpperInvariant(), "  " + customer.Email + " ", recovery, recovery.ToUpperInvariant(),
                     customer.Username, customer.Username.ToLowerInvariant(), customer.Username.ToUpperInvariant(),
                     "020 7946 0123", "+44 20 7946 0123", "0044 20 7946 0123", "(020) 7946-0123", "+442079460123",
                 })
        {
            var page = await agent.ConsoleSearchAsync(typed);
            Assert.Equal(HttpStatusCode.OK, page.Status);
            var row = Assert.Single(page.TableRows("Customers found"));
            Assert.Equal((customer.Username, customer.Email), (row["Username"], row["Email"]));
        }
        foreach (var typed in new[] { unverified, "020 7946 0456", customer.Email[..^1], customer.Username[1..], "7946" })
            Assert.Contains("No customers match.", (await agent.ConsoleSearchAsync(typed)).MainText);
    }

    [Theory]
    [InlineData("%")]
    [InlineData("_")]
    [InlineData("*")]
    [InlineData("%@%")]
    [InlineData("Person_%")]
    [InlineData("' OR 1=1 --")]
    [InlineData("\" OR \"\"=\"")]
    [InlineData("<script>alert(1)</script>")]
    public async Task Wildcards_SQL_and_HTML_find_nothing_and_are_shown_encoded(string typed)
    {
        await _app.RegisteredUserAsync();
        await _app.RegisteredUserAsync();
        var (agent, _, _) = await _app.AgentAsync(_clock);

        var page = await agent.ConsoleSearchAsync(typed);

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("No customers match.", page.MainText);
        Assert.Empty(page.Document.QuerySelectorAll("main table"));
        Assert.Contains($"Results for “{typed}”", page.MainText);
        Assert.Equal(typed, page.Control(SupportPages.SearchLabel).GetAttribute("value"));
        Assert.DoesNotContain("<script>alert(1)</script>", page.Html);
    }

    [Fact]
    public async Task A_10_KB_or_empty_or_unprintable_search_is_a_field_error_with_a_reference()
    {
        var (agent, _, _) = await _app.AgentAsync(_clock);

        foreach (var (typed, error) in new[]
                 {
                     (new string('a', 10 * 1024), "at most 256 characters"), (new string('%', 257), "at most 256 characters"),
                     ("", "Type what to search for"), ("   ", "Type what to search for"), ("a\0b", "control characters"),
                 })
        {
            var page = await agent.ConsoleSearchAsync(typed);
            Assert.Equal(HttpStatusCode.BadRequest, page.Status);
            Assert.Contains(error, page.FieldError(SupportPages.SearchLabel));
            Assert.Equal("true", page.Control(SupportPages.SearchLabel).GetAttribute("aria-invalid"));
            Assert.NotNull(page.Reference);
            Assert.Null(page.Document.QuerySelector("main table"));
        }
        var twice = await agent.GetAsync("/support/search?q=a&q=b");
        Assert.Equal(HttpStatusCode.BadRequest, twice.Status);
        var bare = await agent.GetAsync("/support/search");
        Assert.Equal(HttpStatusCode.OK, bare.Status);
        Assert.Null(bare.Alert);
    }

    [Fact]
    public void A_search_is_read_into_exact_values_and_longer_text_never_becomes_a_query()
    {
        Assert.Equal("search.too_long", CustomerQuery.Read(new string('a', 10 * 1024)).Problem?.Code);
        // NFKC can lengthen text: the limit holds after it too.
        Assert.Equal("search.too_long", CustomerQuery.Read(new string('\uFDFA', 200)).Problem?.Code);
        Assert.Equal("K7F3-9QX2", CustomerQuery.Read("k7f39qx2").Query?.Reference);
        Assert.Equal("K7F3-9QX2", CustomerQuery.Read(" K7F3-9QX2 ").Query?.Reference);
        Assert.Equal(QueryShape.Email, CustomerQuery.Read("A@B.example").Query?.Shape);
        Assert.Equal("A@B.EXAMPLE", CustomerQuery.Read("a@b.example").Query?.Email);
        Assert.Equal(new[] { "+442079460123" }, CustomerQuery.Read("+44 20 7946 0123").Query?.Phones);
        Assert.Contains("+442079460123", CustomerQuery.Read("020 7946 0123").Query!.Phones);
        Assert.Equal(("%", QueryShape.Username), (CustomerQuery.Read("%").Query?.Username, CustomerQuery.Read("%").Query?.Shape));
    }

    // ------------------------------------------------------------------ customer page

    [Fact]
    public async Task The_customer_page_says_who_they_are_and_never_shows_a_secret()
    {
        var (customerBrowser, customer, _) = await _app.UserWithTotpAsync(_clock);
        using var _c = customerBrowser;
        var account = (await _app.AccountAsync(customer.Email))!;
        var totpSecret = await _app.QueryAsync(db => db.TotpAuthenticators.Where(t => t.AccountId == account.Id).Select(t => t.ProtectedSecret).SingleAsync(Ct));
        var (agent, _, _) = await _app.AgentAsync(_clock);

        var page = await agent.GetAsync($"/support/customers/{account.Id}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("Customer " + customer.Username, page.Heading);
        Assert.Contains($"Email {customer.Email} (verified)", page.MainText);
        Assert.Contains("Authenticator app", page.MainText);
        Assert.Contains("Open sessions 1", page.MainText);
        Assert.Contains("Sign-in Open", page.MainText);
        Assert.Contains("Two-step reset None pending", page.MainText);
        Assert.Equal($"/support/customers/{account.Id}/act", page.Link("Verify identity and act").Href());
        var kinds = page.TableRows("Security events").Select(r => r["What happened"]).ToList();
        Assert.Contains("Account created", kinds);
        Assert.Contains("Two-step method added", kinds);
        Assert.Contains("Email address verified", kinds);

        foreach (var secret in new[] { account.PasswordHash!, account.SecurityStamp!, account.ConcurrencyStamp!, totpSecret })
            Assert.DoesNotContain(secret, page.Html);
        Assert.DoesNotContain(customer.Password, page.Html);
    }

    [Fact]
    public async Task An_agent_looking_at_their_own_account_is_told_actions_are_not_available()
    {
        var (agent, agentUser, _) = await _app.AgentAsync(_clock);
        var id = (await _app.AccountAsync(agentUser.Email))!.Id;

        var page = await agent.GetAsync($"/support/customers/{id}");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Actions are not available on your own account", page.MainText);
        Assert.Null(page.Link("Verify identity and act"));
    }

    [Theory]
    [InlineData("/support/customers/00000000-0000-0000-0000-000000000001")]
    [InlineData("/support/customers/not-a-guid")]
    [InlineData("/support/customers/%27%20OR%201%3D1")]
    [InlineData("/support/requests/ABCD-EFGH")]
    [InlineData("/support/requests/%3Cscript%3E")]
    public async Task Unknown_or_malformed_ids_are_not_found(string path)
    {
        var (agent, _, _) = await _app.AgentAsync(_clock);
        var page = await agent.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.NotNull(page.Reference);
    }

    [Theory]
    [InlineData("/support?page=0")]
    [InlineData("/support?page=x")]
    [InlineData("/support?status=deleted")]
    [InlineData("/support/audit?page=-1")]
    public async Task A_bad_page_or_list_is_a_clear_400(string path)
    {
        var (agent, _, _) = await _app.AgentAsync(_clock);
        var page = await agent.GetAsync(path);
        Assert.Equal(HttpStatusCode.BadRequest, page.Status);
        Assert.NotNull(page.Reference);
        Page.AssertIsSentence(page.AlertTextWithoutReference);
    }

    // ------------------------------------------------------------------ audit log

    [Fact]
    public async Task The_audit_log_lists_lines_newest_first_and_offers_no_way_to_change_them()
    {
        var customer = await _app.RegisteredUserAsync();
        var account = (await _app.AccountAsync(customer.Email))!;
        var (agent, agentUser, _) = await _app.AgentAsync(_clock);
        var agentId = (await _app.AccountAsync(agentUser.Email))!.Id;
        await using (var scope = _app.Services.CreateAsyncScope())
        {
            var log = scope.ServiceProvider.GetRequiredService<IAgentAuditLog>();
            foreach (var (action, outcome, detail, minutes) in new[]
                     {
                         (AgentAction.VerificationSent, AgentActionOutcome.Done, (string?)null, -30),
                         (AgentAction.Unlock, AgentActionOutcome.Refused, "not_verified", -20),
                         (AgentAction.VerificationPassed, AgentActionOutcome.Done, null, -10),
                     })
                Assert.True(await log.TryAppendAsync(new AgentAuditEntry
                {
                    Id = Guid.NewGuid(), At = _clock.GetUtcNow().AddMinutes(minutes), AgentId = agentId, AgentName = agentUser.Username,
                    Action = action, Outcome = outcome, AccountId = account.Id, RequestNumber = "ABCD-EFGH", Reason = "<i>caller</i> asked",
                    Detail = detail, ReferenceCode = ReferenceCode.New(),
                }, Ct));
        }

        var page = await agent.GetAsync("/support/audit");

        Assert.Equal(HttpStatusCode.OK, page.Status);
        var rows = page.TableRows("Audit log, page 1 of 1");
        Assert.Equal(new[] { "Identity check passed", "Unlocked sign-in", "Sent an identity check code" }, rows.Select(r => r["Action"]));
        Assert.Equal(("Refused", "Identity not verified", customer.Username, agentUser.Username, "ABCD-EFGH"),
            (rows[1]["Outcome"], rows[1]["Detail"], rows[1]["Customer"], rows[1]["Agent"], rows[1]["Request"]));
        Assert.Equal("<i>caller</i> asked", rows[0]["Reason"]);
        Assert.DoesNotContain("<i>caller</i>", page.Html);
        Assert.Empty(page.Document.QuerySelectorAll("main form"));

        // The customer's page shows the same lines about them.
        var customerPage = await agent.GetAsync($"/support/customers/{account.Id}");
        Assert.Equal(3, customerPage.TableRows("Agents' actions on this account").Count);
        Assert.Empty(customerPage.Document.QuerySelectorAll("main form"));
    }

    // ------------------------------------------------------------------ access

    [Theory]
    [InlineData("/support")]
    [InlineData("/support?status=closed")]
    [InlineData("/support/search?q=someone%40example.test")]
    [InlineData("/support/requests/ABCD-EFGH")]
    [InlineData("/support/customers/00000000-0000-0000-0000-000000000001")]
    [InlineData("/support/audit")]
    public async Task Customers_get_403_on_every_console_page(string path)
    {
        var (browser, _) = await _app.SignedInAsync();
        using var _b = browser;
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("This page is not open to your account", page.MainText);
    }

    [Fact]
    public async Task Customers_cannot_close_a_request()
    {
        var request = await _app.SeedRequestAsync(_clock.GetUtcNow());
        var (browser, _) = await _app.SignedInAsync();
        using var _b = browser;
        var token = await browser.AntiforgeryTokenAsync("/account/security");
        var response = await browser.PostFormAsync($"/support/requests/{request.Number}?handler=Close",
            [new("__RequestVerificationToken", token), new("Note", "done")]);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(SupportRequestStatus.Open, (await _app.RequestAsync(request.Number))!.Status);
        Assert.Empty(await _app.AuditAsync());
    }

    [Fact]
    public async Task Agents_see_the_console_link_in_the_header_and_customers_do_not()
    {
        var (agent, _, _) = await _app.AgentAsync(_clock);
        var (customer, _) = await _app.SignedInAsync();
        using var _c = customer;

        Assert.Equal("/support", (await agent.GetAsync("/account")).Link("Support console", "header")?.Href());
        Assert.Null((await customer.GetAsync("/account")).Link("Support console", "header"));
        using var visitor = new Browser(_app);
        Assert.Null((await visitor.GetAsync("/")).Link("Support console", "header"));
    }

    // ------------------------------------------------------------------ words

    [Fact]
    public void Every_event_kind_and_agent_action_has_words()
    {
        var text = _app.Services.GetRequiredService<IStringLocalizer<SharedResource>>();
        foreach (var kind in Enum.GetValues<SecurityEventKind>())
            Assert.NotEqual(kind.ToString(), ConsoleText.Kind(kind, text));
        foreach (var action in Enum.GetValues<AgentAction>())
            Assert.NotEqual(action.ToString(), ConsoleText.Action(action, text));
        Assert.All(Enum.GetValues<SecurityEventKind>().Select(k => ConsoleText.Kind(k, text)), Page.AssertIsSentence);
    }
}
