using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Dom;
using AngleSharp.Html.Parser;

namespace Threshold.Web.Tests.Infrastructure;

/// <summary>A response parsed as HTML, with the lookups the contract names: labels, role="alert", reference codes.</summary>
public sealed partial class Page
{
    [GeneratedRegex("Reference: ([A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4})")]
    public static partial Regex ReferencePattern();

    private Page(Browser browser, HttpResponseMessage response, string html)
    {
        Browser = browser;
        Response = response;
        Html = html;
        Document = new HtmlParser().ParseDocument(html);
    }

    public Browser Browser { get; }
    public HttpResponseMessage Response { get; }
    public HttpStatusCode Status => Response.StatusCode;
    public string Html { get; }
    public IHtmlDocument Document { get; }
    public Uri Url => Response.RequestMessage!.RequestUri!;

    public static async Task<Page> LoadAsync(Browser browser, HttpResponseMessage response) =>
        new(browser, response, await response.Content.ReadAsStringAsync(Ct));

    public static string Normalize(string? text) => Regex.Replace(text ?? "", @"\s+", " ").Trim();

    public string Heading => Normalize(Document.QuerySelector("main h1")?.TextContent);
    public string MainText => Normalize(Document.QuerySelector("main")?.TextContent);
    public IElement? Alert => Document.QuerySelector("[role=alert]");
    public string AlertText => Normalize(Alert?.TextContent);

    /// <summary>The alert's text without the reference code (which differs on every failure).</summary>
    public string AlertTextWithoutReference => Normalize(ReferencePattern().Replace(AlertText, ""));

    /// <summary>The reference code shown on the page, or null.</summary>
    public string? Reference => ReferencePattern().Match(Normalize(Document.Body?.TextContent)) is { Success: true } m ? m.Groups[1].Value : null;

    /// <summary>Text a person reads: a sentence, not an internal code such as "password.tooshort".</summary>
    public static void AssertIsSentence(string? text)
    {
        var t = Normalize(text);
        Assert.False(Regex.IsMatch(t, @"^[a-z_]+(\.[a-z_]+)+$"), $"An internal code is shown instead of a message: \"{t}\"");
        Assert.Contains(' ', t);
    }

    public string AntiforgeryToken() =>
        Document.QuerySelector("input[name=__RequestVerificationToken]")?.GetAttribute("value")
        ?? throw new Xunit.Sdk.XunitException($"No antiforgery token on {Url}");

    /// <summary>The control whose &lt;label for&gt; reads <paramref name="label"/>.</summary>
    public IElement Control(string label)
    {
        var element = Document.QuerySelectorAll("label")
            .Where(l => Normalize(l.TextContent) == label)
            .Select(l => l.GetAttribute("for") is { } id ? Document.GetElementById(id) : null)
            .FirstOrDefault(e => e is not null);
        return element ?? throw new Xunit.Sdk.XunitException($"No control labelled \"{label}\" on {Url}");
    }

    public bool HasControl(string label) => Document.QuerySelectorAll("label").Any(l => Normalize(l.TextContent) == label);

    /// <summary>The element an error for <paramref name="label"/>'s control points to through aria-describedby.</summary>
    public IReadOnlyList<IElement> DescriptionsOf(string label) =>
        (Control(label).GetAttribute("aria-describedby") ?? "")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(id => Document.GetElementById(id))
            .OfType<IElement>()
            .ToList();

    public IEnumerable<IElement> Buttons => Document.QuerySelectorAll("button, input[type=submit]");

    public bool HasButton(string text) => Buttons.Any(b => ButtonText(b) == text);

    /// <summary>The form holding a submit button that reads <paramref name="buttonText"/>.</summary>
    public Form Form(string buttonText)
    {
        var form = Document.Forms.FirstOrDefault(f => f.QuerySelectorAll("button, input[type=submit]")
                .Any(b => ButtonText(b) == buttonText && (b.GetAttribute("type") ?? "submit") == "submit"))
            ?? throw new Xunit.Sdk.XunitException($"No form with a \"{buttonText}\" button on {Url} ({(int)Status})");
        return new Form(this, form);
    }

    public IElement? Link(string text, string? within = "main") =>
        Document.QuerySelectorAll(within is null ? "a" : within + " a").FirstOrDefault(a => Normalize(a.TextContent) == text);

    private static string ButtonText(IElement button) =>
        button is IHtmlInputElement input ? input.Value : Normalize(button.TextContent);
}

/// <summary>A form as a browser would submit it: its successful controls, with values typed by label or name.</summary>
public sealed class Form
{
    private readonly Page _page;
    private readonly IHtmlFormElement _form;
    private readonly List<KeyValuePair<string, string>> _fields = [];

    public Form(Page page, IHtmlFormElement form)
    {
        _page = page;
        _form = form;
        foreach (var control in form.QuerySelectorAll("input, textarea, select"))
        {
            var name = control.GetAttribute("name");
            if (string.IsNullOrEmpty(name) || control.HasAttribute("disabled")) continue;
            var type = (control.GetAttribute("type") ?? "text").ToLowerInvariant();
            if (type is "submit" or "button" or "reset" or "image" or "file") continue;
            if (type is "checkbox" or "radio" && !control.HasAttribute("checked")) continue;
            _fields.Add(new(name, control is IHtmlTextAreaElement t ? t.Value : control.GetAttribute("value") ?? (type == "checkbox" ? "on" : "")));
        }
    }

    public IReadOnlyList<KeyValuePair<string, string>> Fields => _fields;

    public string Method => (_form.GetAttribute("method") ?? "get").ToLowerInvariant();

    public Uri Action => _form.GetAttribute("action") is { Length: > 0 } action ? new Uri(_page.Url, action) : _page.Url;

    /// <summary>Types into the control labelled <paramref name="label"/>.</summary>
    public Form Fill(string label, string value) => Set(NameOf(label), value);

    /// <summary>Ticks or clears the checkbox labelled <paramref name="label"/>.</summary>
    public Form Check(string label, bool on = true)
    {
        var control = _page.Control(label);
        var name = control.GetAttribute("name")!;
        _fields.RemoveAll(f => f.Key == name);
        if (on) _fields.Add(new(name, control.GetAttribute("value") ?? "on"));
        return this;
    }

    /// <summary>Sets a field by name; null removes it from the submission.</summary>
    public Form Set(string name, string? value)
    {
        var index = _fields.FindIndex(f => f.Key == name);
        if (value is null) { _fields.RemoveAll(f => f.Key == name); return this; }
        if (index >= 0) _fields[index] = new(name, value);
        else _fields.Add(new(name, value));
        return this;
    }

    public string NameOf(string label) =>
        _page.Control(label).GetAttribute("name") ?? throw new Xunit.Sdk.XunitException($"The control labelled {label} has no name");

    public Task<HttpResponseMessage> SubmitAsync() => _page.Browser.PostFormAsync(Action.ToString(), _fields);

    public async Task<Page> SubmitAndLoadAsync() => await Page.LoadAsync(_page.Browser, await SubmitAsync());
}
