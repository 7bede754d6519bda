using Lisoloo.Sdk;

namespace Lisoloo.Server.Lifecycle;

/// <summary>
/// The error code and text every provider (and the mock) stores with a receipt's outcome: one delivery-outcome code
/// (1510–1549) per meaning, the carrier's own words kept beside it as <c>carrier_error</c>.
/// </summary>
internal static class ReceiptErrors
{
    /// <summary>
    /// The error code and text for a delivery that a receipt put in <paramref name="state"/>: the failures, and
    /// <c>unknown</c> (the carrier does not know); nulls for the other states. A receipt's <c>failed</c> is a deletion
    /// (<c>DELETED</c>): a refusal at submit has its own codes (<see cref="LisolooErrorCodes.RefusedByCarrier"/> and kin).
    /// </summary>
    public static (int? Code, string? Message) For(string state) => state switch
    {
        DeliveryStates.Undelivered => (LisolooErrorCodes.Undelivered, "The carrier could not deliver the message to the handset."),
        DeliveryStates.Expired => (LisolooErrorCodes.Expired, "The message expired before the handset could be reached."),
        DeliveryStates.Rejected => (LisolooErrorCodes.RejectedByCarrier, "The carrier rejected the message."),
        DeliveryStates.Failed => (LisolooErrorCodes.DeletedByCarrier, "The carrier deleted the message before it reached the handset."),
        DeliveryStates.Unknown => (LisolooErrorCodes.DeliveryUnknown, "The carrier does not know what became of the message; a later receipt may still settle it."),
        _ => (null, null),
    };

    /// <summary>The text of a delivery that no final receipt settled within its route's receipt deadline (error 1515), with why asking did not settle it.</summary>
    public static string NoReceipt(string why) => $"No final receipt came within the route's receipt deadline, and {why}; a later receipt may still settle it.";
}
