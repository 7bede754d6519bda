using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// PDUs written by hand from the SMPP 3.4 field tables (sections 4.1–4.11), each beside the object it stands for.
/// The decode tests read the bytes into objects, the encode tests write the objects back into the same bytes.
/// </summary>
internal static class SpecVectors
{
    public const string ReceiptText =
        "id:a1b2c3d4e5 sub:001 dlvrd:001 submit date:2501011200 done date:2501011201 stat:DELIVRD err:000 text:Hello";

    public static readonly byte[] BindTransceiverBytes = SmppHex.Parse("""
        0000002E                                  # command_length 46
        00000009                                  # command_id bind_transceiver
        00000000                                  # command_status
        00000001                                  # sequence_number 1
        73 6D 70 70 63 6C 69 65 6E 74 31 00       # system_id "smppclient1"
        70 61 73 73 77 6F 72 64 00                # password "password"
        53 4D 50 50 00                            # system_type "SMPP"
        34                                        # interface_version 3.4
        01                                        # addr_ton international
        01                                        # addr_npi ISDN
        00                                        # address_range ""
        """);

    public static BindPdu BindTransceiver() => new(CommandId.BindTransceiver)
    {
        SequenceNumber = 1,
        SystemId = "smppclient1",
        Password = "password",
        SystemType = "SMPP",
        InterfaceVersion = 0x34,
        AddrTon = 1,
        AddrNpi = 1,
        AddressRange = "",
    };

    public static readonly byte[] BindTransceiverRespWithVersionBytes = SmppHex.Parse("""
        0000001A                                  # command_length 26
        80000009                                  # command_id bind_transceiver_resp
        00000000                                  # command_status ESME_ROK
        00000001                                  # sequence_number 1
        53 4D 53 43 00                            # system_id "SMSC"
        0210 0001 34                              # TLV sc_interface_version, length 1, 3.4
        """);

    public static BindRespPdu BindTransceiverRespWithVersion()
    {
        var pdu = new BindRespPdu(CommandId.BindTransceiverResp) { SequenceNumber = 1, SystemId = "SMSC" };
        pdu.Tlvs.Add(Tlv.FromByte(TlvTag.ScInterfaceVersion, 0x34));
        return pdu;
    }

    public static readonly byte[] BindTransceiverRespBytes = SmppHex.Parse("""
        00000015                                  # command_length 21
        80000009                                  # command_id bind_transceiver_resp
        00000000                                  # command_status ESME_ROK
        00000001                                  # sequence_number 1
        53 4D 53 43 00                            # system_id "SMSC"
        """);

    public static BindRespPdu BindTransceiverResp() =>
        new(CommandId.BindTransceiverResp) { SequenceNumber = 1, SystemId = "SMSC" };

    public static readonly byte[] BindTransceiverRespRefusedBytes = SmppHex.Parse("""
        00000010                                  # command_length 16: no body
        80000009                                  # command_id bind_transceiver_resp
        0000000D                                  # command_status ESME_RBINDFAIL
        00000001                                  # sequence_number 1
        """);

    public static readonly byte[] SubmitSmBytes = SmppHex.Parse("""
        0000005A                                  # command_length 90
        00000004                                  # command_id submit_sm
        00000000                                  # command_status
        00000005                                  # sequence_number 5
        00                                        # service_type ""
        05                                        # source_addr_ton alphanumeric
        00                                        # source_addr_npi unknown
        4C 69 73 6F 6C 6F 6F 00                   # source_addr "Lisoloo"
        01                                        # dest_addr_ton international
        01                                        # dest_addr_npi ISDN
        32 34 33 38 31 30 30 30 30 30 30 31 00    # destination_addr "243810000001"
        40                                        # esm_class: UDH indicator
        00                                        # protocol_id
        00                                        # priority_flag
        00                                        # schedule_delivery_time "" (immediate)
        30 30 30 30 30 31 30 30 30 30 30 30 30 30 30 52 00 # validity_period "000001000000000R" (1 day, relative)
        01                                        # registered_delivery: receipt on success or failure
        00                                        # replace_if_present_flag
        00                                        # data_coding SMSC default
        00                                        # sm_default_msg_id
        0B                                        # sm_length 11
        05 00 03 2A 02 01                         # UDH: concatenation IE, ref 0x2A, 2 parts, part 1
        48 65 6C 6C 6F                            # text "Hello"
        0204 0002 1234                            # TLV user_message_reference 0x1234
        0426 0001 01                              # TLV more_messages_to_send 1
        """);

    public static SubmitSmPdu SubmitSm()
    {
        var pdu = new SubmitSmPdu
        {
            SequenceNumber = 5,
            ServiceType = "",
            SourceAddrTon = 5,
            SourceAddrNpi = 0,
            SourceAddr = "Lisoloo",
            DestAddrTon = 1,
            DestAddrNpi = 1,
            DestinationAddr = "243810000001",
            EsmClass = 0x40,
            ValidityPeriod = "000001000000000R",
            RegisteredDelivery = 1,
            ShortMessage = [0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, (byte)'H', (byte)'e', (byte)'l', (byte)'l', (byte)'o'],
        };
        pdu.Tlvs.Add(Tlv.FromUInt16(TlvTag.UserMessageReference, 0x1234));
        pdu.Tlvs.Add(Tlv.FromByte(TlvTag.MoreMessagesToSend, 1));
        return pdu;
    }

    public static readonly byte[] SubmitSmRespBytes = SmppHex.Parse("""
        0000001B                                  # command_length 27
        80000004                                  # command_id submit_sm_resp
        00000000                                  # command_status ESME_ROK
        00000005                                  # sequence_number 5
        61 31 62 32 63 33 64 34 65 35 00          # message_id "a1b2c3d4e5"
        """);

    public static SubmitSmRespPdu SubmitSmResp() => new() { SequenceNumber = 5, MessageId = "a1b2c3d4e5" };

    public static readonly byte[] SubmitSmRespThrottledBytes = SmppHex.Parse("""
        00000010                                  # command_length 16: no body
        80000004                                  # command_id submit_sm_resp
        00000058                                  # command_status ESME_RTHROTTLED
        00000006                                  # sequence_number 6
        """);

    public static readonly byte[] DeliverSmReceiptBytes = SmppHex.Parse($"""
        000000B3                                  # command_length 179
        00000005                                  # command_id deliver_sm
        00000000                                  # command_status
        00000007                                  # sequence_number 7
        00                                        # service_type ""
        01                                        # source_addr_ton international
        01                                        # source_addr_npi ISDN
        32 34 33 38 31 30 30 30 30 30 30 31 00    # source_addr "243810000001" (the handset)
        05                                        # dest_addr_ton alphanumeric
        00                                        # dest_addr_npi unknown
        4C 69 73 6F 6C 6F 6F 00                   # destination_addr "Lisoloo"
        04                                        # esm_class: SMSC delivery receipt
        00                                        # protocol_id
        00                                        # priority_flag
        00                                        # schedule_delivery_time ""
        00                                        # validity_period ""
        00                                        # registered_delivery
        00                                        # replace_if_present_flag
        00                                        # data_coding
        00                                        # sm_default_msg_id
        6B                                        # sm_length 107
        "{ReceiptText}"                           # short_message: the receipt text
        001E 000B 61 31 62 32 63 33 64 34 65 35 00 # TLV receipted_message_id "a1b2c3d4e5"
        0427 0001 02                              # TLV message_state DELIVERED
        """);

    public static DeliverSmPdu DeliverSmReceipt()
    {
        var pdu = new DeliverSmPdu
        {
            SequenceNumber = 7,
            SourceAddrTon = 1,
            SourceAddrNpi = 1,
            SourceAddr = "243810000001",
            DestAddrTon = 5,
            DestAddrNpi = 0,
            DestinationAddr = "Lisoloo",
            EsmClass = 0x04,
            ShortMessage = System.Text.Encoding.ASCII.GetBytes(ReceiptText),
        };
        pdu.Tlvs.Add(Tlv.FromCString(TlvTag.ReceiptedMessageId, "a1b2c3d4e5"));
        pdu.Tlvs.Add(Tlv.FromByte(TlvTag.MessageState, 2));
        return pdu;
    }

    public static readonly byte[] EnquireLinkBytes = SmppHex.Parse("""
        00000010                                  # command_length 16
        00000015                                  # command_id enquire_link
        00000000                                  # command_status
        00000002                                  # sequence_number 2
        """);

    public static readonly byte[] UnbindBytes = SmppHex.Parse("""
        00000010                                  # command_length 16
        00000006                                  # command_id unbind
        00000000                                  # command_status
        00000003                                  # sequence_number 3
        """);

    public static readonly byte[] GenericNackBytes = SmppHex.Parse("""
        00000010                                  # command_length 16
        80000000                                  # command_id generic_nack
        00000003                                  # command_status ESME_RINVCMDID
        00000009                                  # sequence_number 9
        """);

    /// <summary>The names of the vectors <see cref="Get"/> knows, for <c>TestCaseSource</c>.</summary>
    public static readonly string[] Names =
    [
        "bind_transceiver", "bind_transceiver_resp+tlv", "bind_transceiver_resp", "submit_sm", "submit_sm_resp",
        "deliver_sm receipt", "enquire_link", "unbind", "generic_nack",
    ];

    /// <summary>A vector's bytes with a fresh copy of the object they encode.</summary>
    public static (Pdu Pdu, byte[] Bytes) Get(string name) => name switch
    {
        "bind_transceiver" => (BindTransceiver(), BindTransceiverBytes),
        "bind_transceiver_resp+tlv" => (BindTransceiverRespWithVersion(), BindTransceiverRespWithVersionBytes),
        "bind_transceiver_resp" => (BindTransceiverResp(), BindTransceiverRespBytes),
        "submit_sm" => (SubmitSm(), SubmitSmBytes),
        "submit_sm_resp" => (SubmitSmResp(), SubmitSmRespBytes),
        "deliver_sm receipt" => (DeliverSmReceipt(), DeliverSmReceiptBytes),
        "enquire_link" => (new EnquireLinkPdu { SequenceNumber = 2 }, EnquireLinkBytes),
        "unbind" => (new UnbindPdu { SequenceNumber = 3 }, UnbindBytes),
        "generic_nack" => (new GenericNackPdu { SequenceNumber = 9, CommandStatus = CommandStatus.InvalidCommandId }, GenericNackBytes),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "no such vector"),
    };
}
