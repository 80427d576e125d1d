using Threshold.Core.Accounts;
using Threshold.Core.Errors;

namespace Threshold.Core.Support.Actions;

/// <summary>The "Reason" every action needs: why, in the agent's words, for whoever reads the audit log later.</summary>
public static class AgentReason
{
    public static string? Clean(string? reason) => string.IsNullOrWhiteSpace(reason) ? null : reason.Trim();

    /// <summary>Required, at most <see cref="AgentAuditEntry.MaxReasonLength"/> characters, no control characters.</summary>
    public static FieldProblem? Check(string? reason)
    {
        var cleaned = Clean(reason);
        if (cleaned is null) return new FieldProblem("Reason", "support_reason.missing");
        if (cleaned.Length > AgentAuditEntry.MaxReasonLength) return new FieldProblem("Reason", "support_reason.too_long");
        if (Identifiers.HasControlCharacters(cleaned)) return new FieldProblem("Reason", "support_reason.invalid");
        return null;
    }
}
