using Lisoloo.Sdk;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>
/// What a <c>submit_sm_resp</c> status means for the message (the table is in docs/server.md). Throttling
/// (<c>ESME_RTHROTTLED</c>, <c>ESME_RMSGQFUL</c>) gets here only once the connection's own pauses and resubmits
/// (<c>ThrottleRetries</c>) are spent: then it is a temporary refusal like the others.
/// </summary>
internal static class SmppStatusMap
{
    /// <summary>A refusal as the dispatcher stores it.</summary>
    /// <param name="Retryable">True for the SMSC's temporary troubles: the message goes back to <c>queued</c> (error 1502) and is tried again later, up to the connection's <c>MaxSubmitAttempts</c>.</param>
    /// <param name="ErrorCode">The Lisoloo error code: 1502 for a temporary refusal, else a delivery outcome (1516–1518).</param>
    /// <param name="Message">Human text.</param>
    /// <param name="CarrierError">The SMSC's own words: the status's name and value, e.g. <c>ESME_RINVDSTADR (0x0000000B)</c>.</param>
    internal readonly record struct Refusal(bool Retryable, int ErrorCode, string Message, string CarrierError);

    /// <summary>Classifies a non-zero <c>command_status</c> of a <c>submit_sm_resp</c>.</summary>
    public static Refusal Classify(uint status)
    {
        var words = Words(status);
        return status switch
        {
            CommandStatus.SystemError or CommandStatus.ReceiverTemporaryAppError or CommandStatus.Throttled or CommandStatus.MessageQueueFull
                => new(true, LisolooErrorCodes.CarrierUnavailable, "The carrier could not take the message right now; it is tried again.", words),
            CommandStatus.InvalidDestinationAddress or CommandStatus.InvalidDestinationAddressTon or CommandStatus.InvalidDestinationAddressNpi
                => new(false, LisolooErrorCodes.InvalidDestination, "The carrier refused the destination number.", words),
            CommandStatus.InvalidSourceAddress or CommandStatus.InvalidSourceAddressTon or CommandStatus.InvalidSourceAddressNpi
                => new(false, LisolooErrorCodes.InvalidSender, "The carrier refused the sender id.", words),
            _ => new(false, LisolooErrorCodes.RefusedByCarrier, "The carrier refused the message.", words),
        };
    }

    /// <summary>A status as <c>carrier_error</c> shows it: its name and value (<c>ESME_RINVDSTADR (0x0000000B)</c>).</summary>
    public static string Words(uint status)
    {
        var name = CommandStatus.Name(status);
        return name.StartsWith("ESME_", StringComparison.Ordinal) ? $"{name} (0x{status:X8})" : name;
    }

    /// <summary>A temporary refusal on the last attempt a connection allows: the message fails (1519) and is refunded.</summary>
    public static Refusal GiveUp(Refusal temporary, int attempts) => new(false, LisolooErrorCodes.RefusedAfterRetries,
        $"The carrier could not take the message on any of {attempts} attempts; it is not tried again.", temporary.CarrierError);
}
