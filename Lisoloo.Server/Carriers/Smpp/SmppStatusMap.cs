using Lisoloo.Sdk;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>
/// What a <c>submit_sm_resp</c> status means for the message (the table is in docs/server.md). Throttling
/// (<c>ESME_RTHROTTLED</c>, <c>ESME_RMSGQFUL</c>) never gets here: the connection pauses and resubmits.
/// </summary>
internal static class SmppStatusMap
{
    /// <summary>A refusal as the dispatcher stores it.</summary>
    /// <param name="Retryable">True for the SMSC's temporary troubles: the message goes back to <c>queued</c> and is tried again later.</param>
    /// <param name="ErrorCode">The Lisoloo error code (15xx) a permanent refusal fails the message with.</param>
    /// <param name="Message">Human text naming the SMPP status.</param>
    internal readonly record struct Refusal(bool Retryable, int ErrorCode, string Message);

    /// <summary>Classifies a non-zero <c>command_status</c> of a <c>submit_sm_resp</c>.</summary>
    public static Refusal Classify(uint status)
    {
        var name = CommandStatus.Name(status);
        return status switch
        {
            CommandStatus.SystemError or CommandStatus.ReceiverTemporaryAppError
                => new(true, LisolooErrorCodes.CarrierUnavailable, $"The carrier could not take the message right now ({name}); it is tried again."),
            CommandStatus.InvalidDestinationAddress or CommandStatus.InvalidDestinationAddressTon or CommandStatus.InvalidDestinationAddressNpi
                => new(false, LisolooErrorCodes.DestinationNotCovered, $"The carrier refused the destination address ({name})."),
            CommandStatus.InvalidSourceAddress or CommandStatus.InvalidSourceAddressTon or CommandStatus.InvalidSourceAddressNpi
                => new(false, LisolooErrorCodes.CarrierUnavailable, $"The carrier refused the sender id ({name})."),
            _ => new(false, LisolooErrorCodes.CarrierUnavailable, $"The carrier refused the message ({name})."),
        };
    }
}
