namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>What <see cref="PduCodec.Decode"/> made of the front of a receive buffer.</summary>
internal enum DecodeStatus
{
    /// <summary>A PDU was read: <see cref="DecodeResult.Pdu"/> is set; skip <see cref="DecodeResult.Consumed"/> bytes.</summary>
    Complete,

    /// <summary>The PDU is not all there yet: read more and call again with the same bytes at the front.</summary>
    NeedMoreData,

    /// <summary>
    /// A whole PDU arrived but cannot be used (bad body, or a command this codec does not handle): answer it (a
    /// generic_nack, or the command's response) with <see cref="DecodeResult.ErrorStatus"/> and
    /// <see cref="DecodeResult.SequenceNumber"/>, skip <see cref="DecodeResult.Consumed"/> bytes, and go on.
    /// </summary>
    Invalid,

    /// <summary>
    /// command_length is below 16 or above the limit, so where the next PDU starts is unknown: send a generic_nack
    /// (ESME_RINVCMDLEN) and close the connection. Decided from the first 4 bytes alone.
    /// </summary>
    FramingLost,
}

/// <summary>
/// The outcome of one <see cref="PduCodec.Decode"/> call. <see cref="CommandId"/> and <see cref="SequenceNumber"/>
/// are the header's raw values whenever the buffer holds them (even for <see cref="DecodeStatus.Invalid"/> and
/// <see cref="DecodeStatus.FramingLost"/>), else 0.
/// </summary>
/// <param name="Status">What happened.</param>
/// <param name="Pdu">The PDU, for <see cref="DecodeStatus.Complete"/> only.</param>
/// <param name="Consumed">Bytes to drop from the buffer: command_length for Complete and Invalid, 0 otherwise.</param>
/// <param name="CommandId">The raw command_id (possibly one <see cref="Pdus.CommandId"/> does not name).</param>
/// <param name="SequenceNumber">The raw sequence_number, to answer with.</param>
/// <param name="ErrorStatus">For Invalid and FramingLost, the <see cref="CommandStatus"/> to answer with; 0 otherwise.</param>
/// <param name="Error">For Invalid and FramingLost, a short reason for logs.</param>
internal readonly record struct DecodeResult(
    DecodeStatus Status,
    Pdu? Pdu,
    int Consumed,
    uint CommandId,
    uint SequenceNumber,
    uint ErrorStatus,
    string? Error);
