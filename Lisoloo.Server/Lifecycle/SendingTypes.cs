namespace Lisoloo.Server.Lifecycle;

/// <summary>The contract's <c>sending_type</c> values, by their wire names: the one place they are written.</summary>
internal static class SendingTypes
{
    /// <summary>Sent now.</summary>
    public const string Immediate = "immediate";

    /// <summary>Sent once at a given time.</summary>
    public const string Scheduled = "scheduled";

    /// <summary>Sent on a schedule (daily, weekly, monthly), a bounded number of times.</summary>
    public const string Recurring = "recurring";
}
