namespace Lisoloo.Server.Lifecycle;

/// <summary>
/// The aggregate status of a send, derived from its rows (one per recipient per released occurrence, plus the
/// occurrences not yet released). The rule, also in docs/server.md:
/// <list type="number">
/// <item><description>a paused send is <c>paused</c>;</description></item>
/// <item><description>while any row is in flight (pending … accepted, unknown), the earliest in-flight stage;</description></item>
/// <item><description>else, while an occurrence is still scheduled, <c>scheduled</c>;</description></item>
/// <item><description>once every row is terminal: <c>cancelled</c> when all were cancelled, <c>delivered</c> when any was
/// delivered, otherwise the most frequent failure (ties: undelivered, expired, rejected, failed).</description></item>
/// </list>
/// </summary>
internal static class StatusRules
{
    /// <summary>In-flight states, earliest first.</summary>
    private static readonly string[] InFlight = [DeliveryStates.Pending, DeliveryStates.Queued, DeliveryStates.Processing, DeliveryStates.Sent, DeliveryStates.Accepted, DeliveryStates.Unknown];

    private static readonly string[] Failures = [DeliveryStates.Undelivered, DeliveryStates.Expired, DeliveryStates.Rejected, DeliveryStates.Failed];

    /// <summary>The state an occurrence row shows before its deliveries exist.</summary>
    public static string OccurrenceState(string stored) => stored switch
    {
        OccurrenceStates.Scheduled => DeliveryStates.Scheduled,
        OccurrenceStates.Paused => DeliveryStates.Paused,
        OccurrenceStates.Cancelled or OccurrenceStates.Skipped => DeliveryStates.Cancelled,
        _ => DeliveryStates.Pending,
    };

    /// <summary>The aggregate of <paramref name="counts"/> (state → rows) for a send in state <paramref name="sendState"/>.</summary>
    public static string Aggregate(string sendState, IReadOnlyDictionary<string, int> counts)
    {
        if (sendState == SendStates.Paused)
        {
            return DeliveryStates.Paused;
        }

        foreach (var state in InFlight)
        {
            if (counts.GetValueOrDefault(state) > 0)
            {
                return state;
            }
        }

        if (counts.GetValueOrDefault(DeliveryStates.Scheduled) > 0 || counts.GetValueOrDefault(DeliveryStates.Paused) > 0)
        {
            return DeliveryStates.Scheduled;
        }

        if (counts.GetValueOrDefault(DeliveryStates.Delivered) > 0)
        {
            return DeliveryStates.Delivered;
        }

        var best = (string?)null;
        var bestCount = 0;
        foreach (var failure in Failures)
        {
            var n = counts.GetValueOrDefault(failure);
            if (n > bestCount)
            {
                best = failure;
                bestCount = n;
            }
        }

        return best ?? (counts.GetValueOrDefault(DeliveryStates.Cancelled) > 0 ? DeliveryStates.Cancelled : DeliveryStates.Pending);
    }
}
