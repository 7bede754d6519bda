namespace Lisoloo.Server.Storage;

/// <summary>How an event delivery attempt ended.</summary>
internal enum EventAttemptOutcome
{
    /// <summary>2xx: done.</summary>
    Delivered,

    /// <summary>Try again at the given time.</summary>
    Retry,

    /// <summary>Out of attempts, or a permanent refusal.</summary>
    Failed,

    /// <summary>410 Gone: the key's webhook URL is disabled.</summary>
    Gone,
}
