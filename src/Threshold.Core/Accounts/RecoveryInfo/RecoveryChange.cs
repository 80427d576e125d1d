using System.Security.Cryptography;
using System.Text;
using Threshold.Core.Errors;
using Threshold.Core.Factors.OutOfBandCode;

namespace Threshold.Core.Accounts.RecoveryInfo;

public enum RecoveryChangeOutcome
{
    /// <summary>A code went to the new address or number; it counts once the code comes back.</summary>
    CodeSent,
    /// <summary>What was typed cannot be used (see the problems).</summary>
    Invalid,
    /// <summary>A code went there a moment ago; another after the wait.</summary>
    TooSoon,
    /// <summary>Added, changed or removed: saved, and every contact told.</summary>
    Saved,
    WrongCode,
    /// <summary>The code ran out of time or tries, or was never sent: send a new one.</summary>
    CodeExpired,
    /// <summary>Remove was asked for, but there is nothing to remove.</summary>
    NothingToRemove,
}

/// <summary>What happened to an add, change or remove of recovery info.</summary>
/// <param name="Value">The address or E.164 number as it will be stored (or was sent a code).</param>
public sealed record RecoveryChangeResult(RecoveryChangeOutcome Outcome, string ReferenceCode, IReadOnlyList<FieldProblem> Problems,
    string? Value = null, TimeSpan? RetryAfter = null, int AttemptsLeft = 0)
{
    public static RecoveryChangeResult Invalid(string reference, string field, string code) =>
        new(RecoveryChangeOutcome.Invalid, reference, [new FieldProblem(field, code)]);

    /// <summary>The answer to a code that was checked and not accepted.</summary>
    public static RecoveryChangeResult NotAccepted(CodeCheck check, string reference, string value) =>
        check.Outcome is CodeCheckOutcome.Wrong or CodeCheckOutcome.Malformed
            ? new(RecoveryChangeOutcome.WrongCode, reference, [new FieldProblem("Code", "code.wrong")], value, AttemptsLeft: check.AttemptsLeft)
            : new(RecoveryChangeOutcome.CodeExpired, reference, [], value);
}

/// <summary>Codes that prove a new address or number belong to the session that asked, and to that address or number only.</summary>
internal static class RecoveryCodeBinding
{
    /// <summary>The value is hashed: an email address can be longer than the binding column, and the binding need not show it.</summary>
    public static string For(string sessionBinding, string kind, string value) =>
        sessionBinding + ":" + kind + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)))[..32];
}
