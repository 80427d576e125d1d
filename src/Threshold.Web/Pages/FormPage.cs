using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Localization;
using Threshold.Core.Errors;


namespace Threshold.Web.Pages;

/// <summary>A page with a form: field problems linked to their fields, one summary, a reference code.</summary>
public abstract class FormPage(IStringLocalizer<SharedResource> text) : PageModel
{
    protected IStringLocalizer<SharedResource> Text { get; } = text;

    /// <summary>The sentence for the whole form (role="alert"), when there is one beyond the field errors.</summary>
    public string? Summary { get; protected set; }
    public string? Reference { get; protected set; }
    public Dictionary<string, string> FieldErrors { get; } = new(StringComparer.OrdinalIgnoreCase);

    public string? ErrorFor(string field) => FieldErrors.GetValueOrDefault(field);

    /// <param name="arguments">Values the messages may mention, such as the minimum password length.</param>
    protected void Show(IEnumerable<FieldProblem> problems, string reference, params object[] arguments)
    {
        foreach (var problem in problems)
            FieldErrors[problem.Field] = Text[problem.Code, arguments];
        Reference = reference;
        Summary ??= Text["Please correct the following and try again."];
    }
}
