using Lisoloo.Sdk;

namespace Lisoloo.Server.Storage;

/// <summary>The error code and text every provider stores with a failure receipt.</summary>
internal static class ReceiptErrors
{
    /// <summary>The error code and text for a delivery that ended in <paramref name="state"/>; nulls for states that are not failures.</summary>
    public static (int? Code, string? Message) For(string state) => state switch
    {
        "undelivered" => (LisolooErrorCodes.DestinationNotCovered, "The carrier could not deliver the message to the handset."),
        "expired" => (LisolooErrorCodes.DestinationNotCovered, "The message expired before the handset could be reached."),
        "rejected" => (LisolooErrorCodes.DestinationNotCovered, "The carrier rejected the message."),
        "failed" => (LisolooErrorCodes.DestinationNotCovered, "The carrier deleted the message before it reached the handset."),
        _ => (null, null),
    };

    /// <summary>The error of a delivery whose parts ended in failure <paramref name="state"/>, with the receipt's own words.</summary>
    public static (int? Code, string? Message) ForParts(string state, string? detail)
    {
        var (code, message) = For(state);
        return (code, detail is null ? message : $"{message} ({detail})");
    }
}
