namespace Lisoloo.Server.Lifecycle;

/// <summary>The states of a send as a whole (the <c>sends</c> row), by their stored names: the one place they are written.</summary>
internal static class SendStates
{
    /// <summary>Accepted; its occurrences are released when due.</summary>
    public const string Active = "active";

    /// <summary>Paused: its scheduled occurrences wait for a resume.</summary>
    public const string Paused = "paused";

    /// <summary>Cancelled: nothing more is released.</summary>
    public const string Cancelled = "cancelled";
}
