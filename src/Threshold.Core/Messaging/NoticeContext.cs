using Threshold.Core.Activity;

namespace Threshold.Core.Messaging;

/// <summary>
/// What every security notice tells besides what happened: when (UTC) and from where (the
/// place, address and device of the request that did it, as far as they are known).
/// </summary>
public sealed record NoticeContext(DateTimeOffset At, ClientInfo Client);
