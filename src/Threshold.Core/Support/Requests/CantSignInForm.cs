using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;

namespace Threshold.Core.Support.Requests;

/// <summary>
/// The "Can't sign in?" form as posted. <paramref name="FormToken"/> is the random token the form
/// was served with: the same form sent twice (a double click, a resent POST) is one request.
/// </summary>
public sealed record CantSignInForm(string? Description, string? Contact, string? Reference, string? FormToken, ClientInfo Client);

/// <summary>How the person can be reached: an email address or an international phone number.</summary>
public enum ContactKind { Email, Phone }

/// <summary>The form once checked: what is kept, and the form of the contact accounts are looked up by.</summary>
internal sealed record CheckedForm(string Description, string Contact, ContactKind Kind, string ContactKey, string? Reference)
{
    /// <summary>The fields' problems in the order the form shows them, or the checked form.</summary>
    public static (CheckedForm? Form, IReadOnlyList<FieldProblem> Problems) From(CantSignInForm form)
    {
        var problems = new List<FieldProblem>();
        var description = CleanDescription(form.Description, problems);
        var reference = CleanReference(form.Reference, problems);
        var contact = CleanContact(form.Contact, problems);
        return problems.Count == 0
            ? (new CheckedForm(description, contact!.Value.Typed, contact.Value.Kind, contact.Value.Key, reference), problems)
            : (null, problems);
    }

    private static string CleanDescription(string? typed, List<FieldProblem> problems)
    {
        // Browsers send a textarea's line breaks as CR LF; one character each is what the person sees and the limit means.
        var text = (typed ?? "").Replace("\r\n", "\n").Replace('\r', '\n').Trim();
        if (text.Length == 0) problems.Add(new FieldProblem("Description", "request.description_missing"));
        else if (text.Length > SupportRequest.MaxDescriptionLength) problems.Add(new FieldProblem("Description", "request.description_too_long"));
        else if (!IsReadable(text)) problems.Add(new FieldProblem("Description", "request.description_unreadable"));
        return text;
    }

    private static string? CleanReference(string? typed, List<FieldProblem> problems)
    {
        if (string.IsNullOrWhiteSpace(typed)) return null;
        var code = TypedReferenceCode.Normalize(typed);
        if (code is null) problems.Add(new FieldProblem("Reference", "request.reference_invalid"));
        return code;
    }

    private static (string Typed, ContactKind Kind, string Key)? CleanContact(string? typed, List<FieldProblem> problems)
    {
        var contact = Identifiers.Clean(typed);
        if (contact.Length == 0)
        {
            problems.Add(new FieldProblem("Contact", "request.contact_missing"));
            return null;
        }
        if (contact.Length <= SupportRequest.MaxContactLength && PhoneNumberText.LooksLikePhone(contact))
        {
            if (PhoneNumberText.ToE164(contact) is { } phone) return (contact, ContactKind.Phone, phone);
            problems.Add(new FieldProblem("Contact", "contact.phone_invalid"));
            return null;
        }
        if (contact.Length <= SupportRequest.MaxContactLength && Identifiers.CheckEmail(contact) is null)
            return (contact, ContactKind.Email, Identifiers.Normalize(contact));
        problems.Add(new FieldProblem("Contact", "contact.invalid"));
        return null;
    }

    /// <summary>
    /// Text an agent can read: line breaks and tabs are fine; other control characters, the
    /// replacement character (what invalid UTF-8 decodes to) and broken surrogate pairs are not.
    /// </summary>
    private static bool IsReadable(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1])) { i++; continue; }
            if (c is '\n' or '\t') continue;
            if (char.IsSurrogate(c) || char.IsControl(c) || c == '\uFFFD') return false;
        }
        return true;
    }
}
