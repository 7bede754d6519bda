namespace Lisoloo.Server.Lifecycle;

/// <summary>
/// How the receipts for a message's parts make its state, in one place for every store. A long message goes out as
/// several parts, each with its own carrier id and receipt; the message is:
/// <list type="bullet">
/// <item><description>once every part has a final receipt: <c>delivered</c> when every part was, else the first failed part's state (with its words);</description></item>
/// <item><description>before that, <c>accepted</c> or <c>unknown</c> as soon as one part's receipt says so;</description></item>
/// <item><description>otherwise unchanged (more parts to hear from).</description></item>
/// </list>
/// Only a message with the carrier (<see cref="DeliveryStates.AwaitsReceipts"/>) moves; a receipt for a part that
/// already has a final one, or that repeats its state, changes nothing.
/// </summary>
internal static class PartReceipts
{
    /// <summary>Tells whether a receipt in <paramref name="receiptState"/> changes a part now in <paramref name="partState"/> (null: no such part).</summary>
    public static bool Changes(string? partState, string receiptState) =>
        partState is not null && partState != receiptState && !DeliveryStates.IsCarrierFinal(partState);

    /// <summary>
    /// The settlement of a message in <paramref name="current"/> whose parts (as stored, one of them just changed to
    /// <paramref name="changed"/> with the carrier's words <paramref name="changedDetail"/>) are <paramref name="parts"/>;
    /// null when the message stays as it is.
    /// </summary>
    public static Settlement? Settle(string current, IReadOnlyList<StoredPart> parts, string changed, string? changedDetail)
    {
        if (!DeliveryStates.AwaitsReceipts(current))
        {
            return null; // not handed to the carrier yet, or already final
        }

        int expected = 0, delivered = 0;
        string? failure = null, failureDetail = null;
        var allFinal = true;
        foreach (var part in parts)
        {
            expected = part.Parts;
            if (part.State == DeliveryStates.Delivered)
            {
                delivered++;
            }
            else if (DeliveryStates.IsCarrierFinal(part.State))
            {
                if (failure is null)
                {
                    (failure, failureDetail) = (part.State, part.Detail);
                }
            }
            else
            {
                allFinal = false;
            }
        }

        string target;
        if (allFinal && parts.Count >= expected)
        {
            target = delivered == parts.Count ? DeliveryStates.Delivered : failure!;
        }
        else if (changed is DeliveryStates.Accepted or DeliveryStates.Unknown)
        {
            target = changed;
        }
        else
        {
            return null; // more parts to hear from
        }

        if (target == current)
        {
            return null;
        }

        var (code, message) = ReceiptErrors.For(target);
        var carrierError = code is null ? null : target == DeliveryStates.Unknown ? changedDetail : failureDetail;
        return new Settlement(target, code, message, carrierError);
    }
}
