using System.Security.Cryptography;
using System.Text;
using Threshold.Core.Accounts;
using Threshold.Core.Activity;
using Threshold.Core.Errors;
using Threshold.Core.Secrets;

namespace Threshold.Core.Support.Requests;

/// <summary>Either what is wrong with the form, or the number of the request it opened.</summary>
public sealed record CantSignInResult(IReadOnlyList<FieldProblem> Problems, string ReferenceCode, string? Number)
{
    public bool Accepted => Problems.Count == 0;
}

/// <summary>
/// "Can't sign in?": a signed-out person asks support for help. The request goes to the agents'
/// queue, tied to an account only when the contact given is one the account has proven (a verified
/// email or recovery email, a confirmed phone) — a reference code alone links nothing, since anyone
/// can type someone else's. The answer is the same whether or not anything matched, and nothing is
/// sent to the contact: otherwise this form would let anyone send our messages to any address.
/// </summary>
public sealed class CantSignInRequests(IAccountStore accounts, ISupportRequestStore requests, TimeProvider clock)
{
    public async Task<CantSignInResult> OpenAsync(CantSignInForm form, CancellationToken ct = default)
    {
        var reference = ReferenceCode.New();
        var (request, problems) = CheckedForm.From(form);
        if (request is null) return new(problems, reference, null);

        var token = SecretToken.Parse(form.FormToken);
        var number = token is null ? ReferenceCode.New() : NumberFor(token);
        if (token is not null && await requests.FindByNumberAsync(number, ct) is { } earlier)
        {
            // The same form again with the same words: the request it already opened.
            if (IsSame(earlier, request)) return new([], reference, earlier.Number);
            // Sent again after changes (back, edit, send): a request of its own.
            number = ReferenceCode.New();
        }

        // Lookups run the same way whether or not they find anything: the time taken says nothing either.
        var accountId = await MatchAsync(request, ct);
        var now = clock.GetUtcNow();
        var opened = new SupportRequest
        {
            Id = Guid.NewGuid(),
            Number = number,
            CreatedAt = now,
            Kind = SupportRequestKind.CantSignIn,
            AccountId = accountId,
            Contact = request.Contact,
            Description = request.Description,
            EventReference = request.Reference,
        };
        var securityEvent = SecurityEvent.Of(SecurityEventKind.SupportRequestOpened, now, form.Client, reference, accountId, number);
        var kept = await requests.AddAsync(opened, securityEvent, ct);
        return new([], reference, kept);
    }

    /// <summary>
    /// The one account that has proven this contact, or null. The sign-in address comes first (it
    /// belongs to one account); a recovery email or phone number shared by several accounts cannot
    /// say which one is meant, so it links none — agents can still search by it.
    /// </summary>
    private async Task<Guid?> MatchAsync(CheckedForm request, CancellationToken ct)
    {
        if (request.Kind == ContactKind.Phone)
        {
            var byPhone = await accounts.FindByConfirmedPhoneAsync(request.ContactKey, ct);
            return byPhone.Count == 1 ? byPhone[0].Id : null;
        }
        var byEmail = await accounts.FindByIdentifierAsync(request.ContactKey, ct);
        var byRecoveryEmail = await accounts.FindByVerifiedRecoveryEmailAsync(request.ContactKey, ct);
        if (byEmail is { EmailConfirmed: true } owner && owner.NormalizedEmail == request.ContactKey) return owner.Id;
        return byRecoveryEmail.Count == 1 ? byRecoveryEmail[0].Id : null;
    }

    private static bool IsSame(SupportRequest earlier, CheckedForm request) =>
        earlier.Kind == SupportRequestKind.CantSignIn && earlier.Description == request.Description
        && earlier.Contact == request.Contact && earlier.EventReference == request.Reference;

    /// <summary>
    /// The number a form's token always leads to, in the reference alphabet (32 letters: 5 bits of a
    /// hash byte each). The token is random and only that form's page has it; the number alone does
    /// not give it back.
    /// </summary>
    private static string NumberFor(string formToken)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("support-request:" + formToken));
        Span<char> chars = stackalloc char[9];
        for (int i = 0, h = 0; i < 9; i++)
            chars[i] = i == 4 ? '-' : ReferenceCode.Alphabet[hash[h++] & 31];
        return new string(chars);
    }
}
