using System.Globalization;

namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// SMPP 3.4 <c>command_status</c> values (section 5.1.3, table 5-2), carried in the header of every response and in
/// the error status of a <c>generic_nack</c>. Values the table leaves reserved have no constant.
/// </summary>
internal static class CommandStatus
{
    /// <summary>ESME_ROK: no error.</summary>
    public const uint Ok = 0x00;

    /// <summary>ESME_RINVMSGLEN: message length is invalid (sm_length).</summary>
    public const uint InvalidMessageLength = 0x01;

    /// <summary>ESME_RINVCMDLEN: command length is invalid.</summary>
    public const uint InvalidCommandLength = 0x02;

    /// <summary>ESME_RINVCMDID: invalid or unsupported command id.</summary>
    public const uint InvalidCommandId = 0x03;

    /// <summary>ESME_RINVBNDSTS: incorrect bind status for the given command.</summary>
    public const uint IncorrectBindStatus = 0x04;

    /// <summary>ESME_RALYBND: ESME already in bound state.</summary>
    public const uint AlreadyBound = 0x05;

    /// <summary>ESME_RINVPRTFLG: invalid priority flag.</summary>
    public const uint InvalidPriorityFlag = 0x06;

    /// <summary>ESME_RINVREGDLVFLG: invalid registered delivery flag.</summary>
    public const uint InvalidRegisteredDelivery = 0x07;

    /// <summary>ESME_RSYSERR: system error.</summary>
    public const uint SystemError = 0x08;

    /// <summary>ESME_RINVSRCADR: invalid source address.</summary>
    public const uint InvalidSourceAddress = 0x0A;

    /// <summary>ESME_RINVDSTADR: invalid destination address.</summary>
    public const uint InvalidDestinationAddress = 0x0B;

    /// <summary>ESME_RINVMSGID: message id is invalid.</summary>
    public const uint InvalidMessageId = 0x0C;

    /// <summary>ESME_RBINDFAIL: bind failed.</summary>
    public const uint BindFailed = 0x0D;

    /// <summary>ESME_RINVPASWD: invalid password.</summary>
    public const uint InvalidPassword = 0x0E;

    /// <summary>ESME_RINVSYSID: invalid system id.</summary>
    public const uint InvalidSystemId = 0x0F;

    /// <summary>ESME_RCANCELFAIL: cancel_sm failed.</summary>
    public const uint CancelFailed = 0x11;

    /// <summary>ESME_RREPLACEFAIL: replace_sm failed.</summary>
    public const uint ReplaceFailed = 0x13;

    /// <summary>ESME_RMSGQFUL: message queue full.</summary>
    public const uint MessageQueueFull = 0x14;

    /// <summary>ESME_RINVSERTYP: invalid service type.</summary>
    public const uint InvalidServiceType = 0x15;

    /// <summary>ESME_RINVNUMDESTS: invalid number of destinations.</summary>
    public const uint InvalidNumberOfDestinations = 0x33;

    /// <summary>ESME_RINVDLNAME: invalid distribution list name.</summary>
    public const uint InvalidDistributionListName = 0x34;

    /// <summary>ESME_RINVDESTFLAG: destination flag is invalid (submit_multi).</summary>
    public const uint InvalidDestinationFlag = 0x40;

    /// <summary>ESME_RINVSUBREP: invalid "submit with replace" request (replace_if_present_flag set).</summary>
    public const uint InvalidSubmitWithReplace = 0x42;

    /// <summary>ESME_RINVESMCLASS: invalid esm_class field data.</summary>
    public const uint InvalidEsmClass = 0x43;

    /// <summary>ESME_RCNTSUBDL: cannot submit to distribution list.</summary>
    public const uint CannotSubmitToDistributionList = 0x44;

    /// <summary>ESME_RSUBMITFAIL: submit_sm or submit_multi failed.</summary>
    public const uint SubmitFailed = 0x45;

    /// <summary>ESME_RINVSRCTON: invalid source address TON.</summary>
    public const uint InvalidSourceAddressTon = 0x48;

    /// <summary>ESME_RINVSRCNPI: invalid source address NPI.</summary>
    public const uint InvalidSourceAddressNpi = 0x49;

    /// <summary>ESME_RINVDSTTON: invalid destination address TON.</summary>
    public const uint InvalidDestinationAddressTon = 0x50;

    /// <summary>ESME_RINVDSTNPI: invalid destination address NPI.</summary>
    public const uint InvalidDestinationAddressNpi = 0x51;

    /// <summary>ESME_RINVSYSTYP: invalid system_type field.</summary>
    public const uint InvalidSystemType = 0x53;

    /// <summary>ESME_RINVREPFLAG: invalid replace_if_present flag.</summary>
    public const uint InvalidReplaceIfPresentFlag = 0x54;

    /// <summary>ESME_RINVNUMMSGS: invalid number of messages.</summary>
    public const uint InvalidNumberOfMessages = 0x55;

    /// <summary>ESME_RTHROTTLED: throttling error (the ESME exceeded its allowed message limits).</summary>
    public const uint Throttled = 0x58;

    /// <summary>ESME_RINVSCHED: invalid scheduled delivery time.</summary>
    public const uint InvalidScheduledDeliveryTime = 0x61;

    /// <summary>ESME_RINVEXPIRY: invalid message validity period (expiry time).</summary>
    public const uint InvalidValidityPeriod = 0x62;

    /// <summary>ESME_RINVDFTMSGID: predefined message invalid or not found.</summary>
    public const uint InvalidPredefinedMessageId = 0x63;

    /// <summary>ESME_RX_T_APPN: ESME receiver temporary application error.</summary>
    public const uint ReceiverTemporaryAppError = 0x64;

    /// <summary>ESME_RX_P_APPN: ESME receiver permanent application error.</summary>
    public const uint ReceiverPermanentAppError = 0x65;

    /// <summary>ESME_RX_R_APPN: ESME receiver reject message error.</summary>
    public const uint ReceiverRejectMessageError = 0x66;

    /// <summary>ESME_RQUERYFAIL: query_sm request failed.</summary>
    public const uint QueryFailed = 0x67;

    /// <summary>ESME_RINVOPTPARSTREAM: error in the optional part of the PDU body.</summary>
    public const uint InvalidOptionalParameterStream = 0xC0;

    /// <summary>ESME_ROPTPARNOTALLWD: optional parameter not allowed.</summary>
    public const uint OptionalParameterNotAllowed = 0xC1;

    /// <summary>ESME_RINVPARLEN: invalid parameter length.</summary>
    public const uint InvalidParameterLength = 0xC2;

    /// <summary>ESME_RMISSINGOPTPARAM: expected optional parameter missing.</summary>
    public const uint MissingOptionalParameter = 0xC3;

    /// <summary>ESME_RINVOPTPARAMVAL: invalid optional parameter value.</summary>
    public const uint InvalidOptionalParameterValue = 0xC4;

    /// <summary>ESME_RDELIVERYFAILURE: delivery failure (data_sm_resp).</summary>
    public const uint DeliveryFailure = 0xFE;

    /// <summary>ESME_RUNKNOWNERR: unknown error.</summary>
    public const uint UnknownError = 0xFF;

    /// <summary>
    /// The spec's name for <paramref name="status"/> (<c>ESME_RTHROTTLED</c>), or its value as eight hex digits
    /// (<c>0x00000400</c>) when SMPP 3.4 does not define it (reserved and vendor-specific values).
    /// </summary>
    public static string Name(uint status) => status switch
    {
        Ok => "ESME_ROK",
        InvalidMessageLength => "ESME_RINVMSGLEN",
        InvalidCommandLength => "ESME_RINVCMDLEN",
        InvalidCommandId => "ESME_RINVCMDID",
        IncorrectBindStatus => "ESME_RINVBNDSTS",
        AlreadyBound => "ESME_RALYBND",
        InvalidPriorityFlag => "ESME_RINVPRTFLG",
        InvalidRegisteredDelivery => "ESME_RINVREGDLVFLG",
        SystemError => "ESME_RSYSERR",
        InvalidSourceAddress => "ESME_RINVSRCADR",
        InvalidDestinationAddress => "ESME_RINVDSTADR",
        InvalidMessageId => "ESME_RINVMSGID",
        BindFailed => "ESME_RBINDFAIL",
        InvalidPassword => "ESME_RINVPASWD",
        InvalidSystemId => "ESME_RINVSYSID",
        CancelFailed => "ESME_RCANCELFAIL",
        ReplaceFailed => "ESME_RREPLACEFAIL",
        MessageQueueFull => "ESME_RMSGQFUL",
        InvalidServiceType => "ESME_RINVSERTYP",
        InvalidNumberOfDestinations => "ESME_RINVNUMDESTS",
        InvalidDistributionListName => "ESME_RINVDLNAME",
        InvalidDestinationFlag => "ESME_RINVDESTFLAG",
        InvalidSubmitWithReplace => "ESME_RINVSUBREP",
        InvalidEsmClass => "ESME_RINVESMCLASS",
        CannotSubmitToDistributionList => "ESME_RCNTSUBDL",
        SubmitFailed => "ESME_RSUBMITFAIL",
        InvalidSourceAddressTon => "ESME_RINVSRCTON",
        InvalidSourceAddressNpi => "ESME_RINVSRCNPI",
        InvalidDestinationAddressTon => "ESME_RINVDSTTON",
        InvalidDestinationAddressNpi => "ESME_RINVDSTNPI",
        InvalidSystemType => "ESME_RINVSYSTYP",
        InvalidReplaceIfPresentFlag => "ESME_RINVREPFLAG",
        InvalidNumberOfMessages => "ESME_RINVNUMMSGS",
        Throttled => "ESME_RTHROTTLED",
        InvalidScheduledDeliveryTime => "ESME_RINVSCHED",
        InvalidValidityPeriod => "ESME_RINVEXPIRY",
        InvalidPredefinedMessageId => "ESME_RINVDFTMSGID",
        ReceiverTemporaryAppError => "ESME_RX_T_APPN",
        ReceiverPermanentAppError => "ESME_RX_P_APPN",
        ReceiverRejectMessageError => "ESME_RX_R_APPN",
        QueryFailed => "ESME_RQUERYFAIL",
        InvalidOptionalParameterStream => "ESME_RINVOPTPARSTREAM",
        OptionalParameterNotAllowed => "ESME_ROPTPARNOTALLWD",
        InvalidParameterLength => "ESME_RINVPARLEN",
        MissingOptionalParameter => "ESME_RMISSINGOPTPARAM",
        InvalidOptionalParameterValue => "ESME_RINVOPTPARAMVAL",
        DeliveryFailure => "ESME_RDELIVERYFAILURE",
        UnknownError => "ESME_RUNKNOWNERR",
        _ => "0x" + status.ToString("X8", CultureInfo.InvariantCulture),
    };
}
