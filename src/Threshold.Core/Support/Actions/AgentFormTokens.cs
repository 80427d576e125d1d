using System.Globalization;

namespace Threshold.Core.Support.Actions;

/// <summary>
/// Seals and opens the console's form tokens: authenticated encryption, so a token cannot be made
/// or changed without the key. The web host backs it with Data Protection under a purpose of its own.
/// </summary>
public interface IAgentFormProtector
{
    string Protect(string payload);
    /// <returns>The payload, or null when the token was forged, changed, garbled or its key is gone.</returns>
    string? Unprotect(string token);
}

public enum FormTokenStatus { Valid, Forged, WrongAccount, Expired }

/// <param name="Id">The token's unique id (what the audit line stores), when it could be read.</param>
public sealed record FormTokenRead(FormTokenStatus Status, string? Id = null)
{
    /// <summary>The audit log's refusal code for a token that is not valid.</summary>
    public string Detail => Status switch
    {
        FormTokenStatus.WrongAccount => AgentRefusal.WrongAccount,
        FormTokenStatus.Expired => AgentRefusal.Expired,
        _ => AgentRefusal.Forged,
    };
}

/// <summary>
/// The single-use token in every form of the act page. It is sealed and names the agent, the
/// account and when it was issued, with a random id. Whatever the form does, its audit line stores
/// that id under a unique index, so a form works once: a replay, a token lifted from another
/// customer's page or another agent's screen, an old one, or one made up is refused.
/// Expiry is judged by the injected clock, so it is tested without waiting.
/// </summary>
public sealed class AgentFormTokens(IAgentFormProtector protector, TimeProvider clock)
{
    /// <summary>How long a rendered form can be sent: long enough for a call, short enough that a forgotten tab is harmless.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);
    /// <summary>Instances' clocks may differ a little: a token "issued" this far ahead still counts.</summary>
    private static readonly TimeSpan Skew = TimeSpan.FromMinutes(1);
    /// <summary>Far longer than any token we make; longer input is not even unprotected.</summary>
    public const int MaxTokenLength = 1024;
    private const string Version = "af1";

    public string Issue(Guid agentId, Guid accountId)
    {
        var issued = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return protector.Protect(string.Join('|', Version, Guid.NewGuid().ToString("N"), agentId.ToString("N"), accountId.ToString("N"), issued));
    }

    public FormTokenRead Read(string? token, Guid agentId, Guid accountId)
    {
        if (string.IsNullOrEmpty(token) || token.Length > MaxTokenLength || protector.Unprotect(token) is not { } payload)
            return new(FormTokenStatus.Forged);
        var parts = payload.Split('|');
        if (parts.Length != 5 || parts[0] != Version || !Guid.TryParseExact(parts[1], "N", out var id)
            || !Guid.TryParseExact(parts[2], "N", out var agent) || !Guid.TryParseExact(parts[3], "N", out var account)
            || !long.TryParse(parts[4], NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || seconds > DateTimeOffset.MaxValue.ToUnixTimeSeconds())
            return new(FormTokenStatus.Forged);
        var tokenId = id.ToString("N");
        if (agent != agentId || account != accountId) return new(FormTokenStatus.WrongAccount, tokenId);
        var age = clock.GetUtcNow() - DateTimeOffset.FromUnixTimeSeconds(seconds);
        return age > Lifetime || age < -Skew ? new(FormTokenStatus.Expired, tokenId) : new(FormTokenStatus.Valid, tokenId);
    }
}
