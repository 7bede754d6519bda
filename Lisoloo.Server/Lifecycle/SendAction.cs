namespace Lisoloo.Server.Lifecycle;

/// <summary>What a caller may do to a send after it was accepted (the rules of each: <see cref="SendActions"/>).</summary>
internal enum SendAction
{
    /// <summary>Cancel what has not reached the carrier, refunded.</summary>
    Cancel,

    /// <summary>Hold the scheduled occurrences of a scheduled or recurring send.</summary>
    Pause,

    /// <summary>Release a paused send again; occurrences whose time passed are skipped and refunded.</summary>
    Resume,
}
