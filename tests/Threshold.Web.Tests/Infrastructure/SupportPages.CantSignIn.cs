using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Threshold.Core.Support;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>"Can't sign in?" (/help/cant-sign-in): the form, its answer and the requests it saved.</summary>
public static partial class SupportPages
{
    public const string CantSignInPath = "/help/cant-sign-in";
    public const string DescriptionLabel = "What happened?";
    public const string ReferenceLabel = "Reference code (if you have one)";
    public const string ContactLabel = "Email or phone we can reach you at";
    public const string SendRequestButton = "Send request";
    /// <summary>The link to the form on the sign-in, two-step and error pages.</summary>
    public const string HelpLink = "Can't sign in? Get help";

    [GeneratedRegex("Request number: ([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})")]
    private static partial Regex RequestNumberPattern();

    /// <summary>The form on /help/cant-sign-in (or <paramref name="path"/>) filled in; a null value leaves the field as the page had it.</summary>
    public static async Task<Form> CantSignInFormAsync(this Browser browser, string? description, string? contact, string? reference = null,
        string path = CantSignInPath)
    {
        var page = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.OK, page.Status);
        var form = page.Form(SendRequestButton);
        if (description is not null) form.Fill(DescriptionLabel, description);
        if (contact is not null) form.Fill(ContactLabel, contact);
        if (reference is not null) form.Fill(ReferenceLabel, reference);
        return form;
    }

    /// <summary>Sends the form and follows the redirect to the answer.</summary>
    public static async Task<Page> AskForHelpAsync(this Browser browser, string description, string contact, string? reference = null)
    {
        var sent = await (await browser.CantSignInFormAsync(description, contact, reference)).SubmitAsync();
        sent.AssertRedirectsTo(CantSignInPath);
        return await browser.FollowAsync(sent);
    }

    /// <summary>The request number an answer page shows, or null.</summary>
    public static string? RequestNumber(this Page page) =>
        RequestNumberPattern().Match(page.MainText) is { Success: true } m ? m.Groups[1].Value : null;

    public static async Task<SupportRequest?> SupportRequestAsync(this ThresholdFactory app, string number)
    {
        await using var scope = app.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<ISupportRequestStore>().FindByNumberAsync(number, Ct);
    }

    public static Task<int> SupportRequestCountAsync(this ThresholdFactory app) =>
        app.QueryAsync(db => db.SupportRequests.CountAsync(Ct));
}
