using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>What a session asks of its owner: the answer to an SMSC's <c>deliver_sm</c> (receipt or inbound message).</summary>
internal interface ISmppSessionHandler
{
    /// <summary>Handles one <c>deliver_sm</c>; the returned <c>command_status</c> goes back in the <c>deliver_sm_resp</c>.</summary>
    ValueTask<uint> OnDeliverSmAsync(SmppSession session, DeliverSmPdu pdu, CancellationToken cancellationToken);
}
