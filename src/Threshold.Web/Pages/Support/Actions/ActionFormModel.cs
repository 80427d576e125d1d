namespace Threshold.Web.Pages.Support.Actions;

/// <summary>One action's form on the act page: its handler, button, the reason field and whether it can be used now.</summary>
/// <param name="Form">The form's name (<see cref="ActModel.SendForm"/> and the like), which also names its reason field.</param>
/// <param name="Blocked">Why the button is disabled (the id of the sentence that says so), or null when it can be used.</param>
public sealed record ActionFormModel(string Form, string Handler, string Button, Guid AccountId, string Token, string? RequestNumber, string? Reason,
    string? Error, string? Blocked);
