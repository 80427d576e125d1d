namespace Threshold.Core.Support;

/// <summary>
/// A request for a human: opened by a person who cannot sign in, or by the system when the owner
/// reports "This wasn't me" (with the event they reported attached). Agents work the queue.
/// </summary>
public class SupportRequest
{
    public const int MaxDescriptionLength = 4000;
    public const int MaxContactLength = 256;
    public const int MaxNoteLength = 500;

    public Guid Id { get; set; }
    /// <summary>The number the person is told and quotes (reference-code alphabet, "K7F3-9QX2").</summary>
    public required string Number { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public SupportRequestKind Kind { get; set; }
    public SupportRequestStatus Status { get; set; } = SupportRequestStatus.Open;
    /// <summary>The account it concerns, when known. Never shown to the person who asked.</summary>
    public Guid? AccountId { get; set; }
    /// <summary>How to reach the person, as they typed it.</summary>
    public string? Contact { get; set; }
    public string? Description { get; set; }
    /// <summary>The reference code of the event the request is about (a failed sign-in, a reported sign-in).</summary>
    public string? EventReference { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    /// <summary>The agent who closed it.</summary>
    public Guid? ClosedBy { get; set; }
    /// <summary>What the agent did, in their words (at most <see cref="MaxNoteLength"/>).</summary>
    public string? ClosingNote { get; set; }
}

public enum SupportRequestKind
{
    CantSignIn = 1,
    /// <summary>The owner said an entry of their history was not them.</summary>
    NotMe = 2,
}

public enum SupportRequestStatus
{
    Open = 1,
    Closed = 2,
}
