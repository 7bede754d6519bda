namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// SMPP 3.4 optional parameter tags (section 5.3). Unknown tags still decode: a <see cref="Tlv"/> keeps
/// any tag it reads.
/// </summary>
internal static class TlvTag
{
    public const ushort DestAddrSubunit = 0x0005;
    public const ushort DestNetworkType = 0x0006;
    public const ushort DestBearerType = 0x0007;
    public const ushort DestTelematicsId = 0x0008;
    public const ushort SourceAddrSubunit = 0x000D;
    public const ushort SourceNetworkType = 0x000E;
    public const ushort SourceBearerType = 0x000F;
    public const ushort SourceTelematicsId = 0x0010;
    public const ushort QosTimeToLive = 0x0017;
    public const ushort PayloadType = 0x0019;
    public const ushort AdditionalStatusInfoText = 0x001D;

    /// <summary>The SMSC message id a delivery receipt is about (C-octet string, at most 65 octets).</summary>
    public const ushort ReceiptedMessageId = 0x001E;

    public const ushort MsMsgWaitFacilities = 0x0030;
    public const ushort PrivacyIndicator = 0x0201;
    public const ushort SourceSubaddress = 0x0202;
    public const ushort DestSubaddress = 0x0203;
    public const ushort UserMessageReference = 0x0204;
    public const ushort UserResponseCode = 0x0205;
    public const ushort SourcePort = 0x020A;
    public const ushort DestinationPort = 0x020B;

    /// <summary>Concatenation reference number (2 octets), shared by every segment of one long message.</summary>
    public const ushort SarMsgRefNum = 0x020C;

    public const ushort LanguageIndicator = 0x020D;

    /// <summary>Number of segments of a concatenated message (1 octet).</summary>
    public const ushort SarTotalSegments = 0x020E;

    /// <summary>This segment's 1-based position in a concatenated message (1 octet).</summary>
    public const ushort SarSegmentSeqnum = 0x020F;

    /// <summary>The SMPP version the SMSC supports (1 octet, 0x34), sent in bind responses.</summary>
    public const ushort ScInterfaceVersion = 0x0210;

    public const ushort CallbackNumPresInd = 0x0302;
    public const ushort CallbackNumAtag = 0x0303;
    public const ushort NumberOfMessages = 0x0304;
    public const ushort CallbackNum = 0x0381;
    public const ushort DpfResult = 0x0420;
    public const ushort SetDpf = 0x0421;
    public const ushort MsAvailabilityStatus = 0x0422;

    /// <summary>Network type (1 octet) and network-specific error code (2 octets) of a failed delivery.</summary>
    public const ushort NetworkErrorCode = 0x0423;

    /// <summary>User data longer than the 254 octets <c>short_message</c> can carry (sm_length must then be 0).</summary>
    public const ushort MessagePayload = 0x0424;

    public const ushort DeliveryFailureReason = 0x0425;
    public const ushort MoreMessagesToSend = 0x0426;

    /// <summary>The final state of the receipted message (1 octet: 2 = DELIVERED, 5 = UNDELIVERABLE …).</summary>
    public const ushort MessageState = 0x0427;

    public const ushort UssdServiceOp = 0x0501;
    public const ushort DisplayTime = 0x1201;
    public const ushort SmsSignal = 0x1203;
    public const ushort MsValidity = 0x1204;
    public const ushort AlertOnMessageDelivery = 0x130C;
    public const ushort ItsReplyType = 0x1380;
    public const ushort ItsSessionInfo = 0x1383;
}
