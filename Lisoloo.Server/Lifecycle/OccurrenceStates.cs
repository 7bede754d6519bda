namespace Lisoloo.Server.Lifecycle;

/// <summary>The states of one occurrence of a scheduled or recurring send, by their stored names: the one place they are written.</summary>
internal static class OccurrenceStates
{
    /// <summary>Waiting for its time.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>Held by a pause.</summary>
    public const string Paused = "paused";

    /// <summary>Its deliveries exist (one per recipient); they carry the state from here on.</summary>
    public const string Released = "released";

    /// <summary>Cancelled before its time, and refunded.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Its time passed while the send was paused: never sent, and refunded.</summary>
    public const string Skipped = "skipped";
}
