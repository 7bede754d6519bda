using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// Every PDU type, with fields at their edges (empty, at the spec's maximum, Latin-1, all bits set), encoded, decoded
/// and encoded again: the second encoding must equal the first, so every field survived.
/// </summary>
[TestFixture]
public sealed class PduRoundTripTests
{
    public static readonly string[] Names =
    [
        "bind_transmitter max", "bind_receiver empty", "bind_transceiver latin1",
        "bind_transmitter_resp error", "bind_receiver_resp tlv", "bind_transceiver_resp unknown tlv",
        "outbind", "outbind empty",
        "submit_sm 254", "submit_sm empty", "submit_sm payload", "deliver_sm mo ucs2", "deliver_sm empty",
        "submit_sm_resp max", "submit_sm_resp empty", "deliver_sm_resp",
        "enquire_link", "enquire_link_resp", "unbind", "unbind_resp", "generic_nack",
        "query_sm max", "query_sm_resp delivered", "query_sm_resp refused",
    ];

    [TestCaseSource(nameof(Names))]
    public void EncodeThenDecode_AnyPdu_ReproducesTheSameBytesAndType(string name)
    {
        var original = Build(name);
        var bytes = PduCodec.Encode(original);

        var decoded = PduCodecDecodeTests.DecodeComplete<Pdu>(bytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded.GetType(), Is.EqualTo(original.GetType()));
            Assert.That(decoded.CommandId, Is.EqualTo(original.CommandId));
            Assert.That(decoded.CommandStatus, Is.EqualTo(original.CommandStatus));
            Assert.That(decoded.SequenceNumber, Is.EqualTo(original.SequenceNumber));
            Assert.That(SmppHex.Format(PduCodec.Encode(decoded)), Is.EqualTo(SmppHex.Format(bytes)));
        }
    }

    [Test]
    public void EncodeThenDecode_SubmitSmWith254ByteMessageAndSeveralTlvs_KeepsMessageAndTlvsInOrder()
    {
        var original = (SubmitSmPdu)Build("submit_sm 254");

        var decoded = PduCodecDecodeTests.DecodeComplete<SubmitSmPdu>(PduCodec.Encode(original));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(decoded.ShortMessage, Is.EqualTo(original.ShortMessage));
            Assert.That(decoded.Tlvs.Select(t => t.Tag), Is.EqualTo(original.Tlvs.Select(t => t.Tag)));
            Assert.That(decoded.Tlvs.Select(t => t.Value), Is.EqualTo(original.Tlvs.Select(t => t.Value)));
            Assert.That(decoded.ServiceType, Is.EqualTo("WAP01"));
            Assert.That(decoded.ScheduleDeliveryTime, Is.EqualTo("251231235959104+"));
            Assert.That(decoded.TryGetTlv(TlvTag.SarSegmentSeqnum, out var seq) ? seq.GetByte() : 0, Is.EqualTo(3));
        }
    }

    [Test]
    public void Decode_QuerySmRespWithoutABody_IsTheRefusalWithEmptyFields()
    {
        // ESME_RQUERYFAIL, header only (SMPP 3.4 lets a refusal omit the body), then the spec's field order for an answer.
        var refused = PduCodecDecodeTests.DecodeComplete<QuerySmRespPdu>(SmppHex.Parse("00000010 80000003 00000067 00000001"));
        var answered = PduCodecDecodeTests.DecodeComplete<QuerySmRespPdu>(SmppHex.Parse("00000016 80000003 00000000 00000002 41420000 0501"));

        using (Assert.EnterMultipleScope())
        {
            Assert.That((refused.CommandStatus, refused.MessageId, refused.MessageState), Is.EqualTo((CommandStatus.QueryFailed, string.Empty, (byte)0)));
            Assert.That((answered.MessageId, answered.FinalDate, answered.MessageState, answered.ErrorCode), Is.EqualTo(("AB", string.Empty, (byte)5, (byte)1)));
        }
    }

    [Test]
    public void EncodeThenDecode_BindWithLatin1Strings_KeepsCharacters()
    {
        var decoded = PduCodecDecodeTests.DecodeComplete<BindPdu>(PduCodec.Encode(Build("bind_transceiver latin1")));

        Assert.That((decoded.SystemId, decoded.Password), Is.EqualTo(("Kinshasa-\u00E9t\u00E9", "p\u00E2ss\u00FF")));
    }

    private static Pdu Build(string name) => name switch
    {
        "bind_transmitter max" => new BindPdu(CommandId.BindTransmitter)
        {
            SequenceNumber = 0x7FFF_FFFF,
            SystemId = new string('s', 15),
            Password = new string('p', 8),
            SystemType = new string('t', 12),
            InterfaceVersion = 0x34,
            AddrTon = 0xFF,
            AddrNpi = 0xFF,
            AddressRange = "^243[0-9]{9}$" + new string('r', 27),
        },
        "bind_receiver empty" => new BindPdu(CommandId.BindReceiver) { InterfaceVersion = 0x33 },
        "bind_transceiver latin1" => new BindPdu(CommandId.BindTransceiver)
        {
            SequenceNumber = 17,
            SystemId = "Kinshasa-\u00E9t\u00E9",
            Password = "p\u00E2ss\u00FF",
            SystemType = "VMA",
            AddrTon = 2,
            AddrNpi = 9,
            AddressRange = "243*",
        },
        "bind_transmitter_resp error" => new BindRespPdu(CommandId.BindTransmitterResp)
        {
            SequenceNumber = 1,
            CommandStatus = CommandStatus.InvalidPassword,
            SystemId = "SMSC",
        },
        "bind_receiver_resp tlv" => WithTlvs(
            new BindRespPdu(CommandId.BindReceiverResp) { SequenceNumber = 2, SystemId = new string('x', 15) },
            Tlv.FromByte(TlvTag.ScInterfaceVersion, 0x34)),
        "bind_transceiver_resp unknown tlv" => WithTlvs(
            new BindRespPdu(CommandId.BindTransceiverResp) { SequenceNumber = 3, SystemId = "" },
            Tlv.FromByte(TlvTag.ScInterfaceVersion, 0x34),
            new Tlv(0x1400, []),
            Tlv.FromBytes(0xFFFF, [1, 2, 3])),
        "outbind" => new OutbindPdu { SequenceNumber = 9, SystemId = "SMSC", Password = "12345678" },
        "outbind empty" => new OutbindPdu(),
        "submit_sm 254" => WithTlvs(
            new SubmitSmPdu
            {
                SequenceNumber = 1234,
                ServiceType = "WAP01",
                SourceAddrTon = 5,
                SourceAddrNpi = 0,
                SourceAddr = "LISOLOO",
                DestAddrTon = 1,
                DestAddrNpi = 1,
                DestinationAddr = new string('9', 20),
                EsmClass = 0x43,
                ProtocolId = 0x7F,
                PriorityFlag = 3,
                ScheduleDeliveryTime = "251231235959104+",
                ValidityPeriod = "000002000000000R",
                RegisteredDelivery = 0x11,
                ReplaceIfPresentFlag = 1,
                DataCoding = 0x08,
                SmDefaultMsgId = 0xFE,
                ShortMessage = Enumerable.Range(0, 254).Select(i => (byte)i).ToArray(),
            },
            Tlv.FromUInt16(TlvTag.SarMsgRefNum, 0xBEEF),
            Tlv.FromByte(TlvTag.SarTotalSegments, 4),
            Tlv.FromByte(TlvTag.SarSegmentSeqnum, 3),
            Tlv.FromUInt16(TlvTag.SourcePort, 2948),
            Tlv.FromUInt16(TlvTag.DestinationPort, 9200),
            Tlv.FromCString(TlvTag.AdditionalStatusInfoText, "")),
        "submit_sm empty" => new SubmitSmPdu(),
        "submit_sm payload" => WithTlvs(
            new SubmitSmPdu { SequenceNumber = 5, DestinationAddr = "243810000001", DataCoding = 8 },
            Tlv.FromBytes(TlvTag.MessagePayload, Enumerable.Repeat((byte)0x41, 4000).ToArray())),
        "deliver_sm mo ucs2" => new DeliverSmPdu
        {
            SequenceNumber = 77,
            SourceAddrTon = 1,
            SourceAddrNpi = 1,
            SourceAddr = "243810000001",
            DestinationAddr = "4455",
            DataCoding = 8,
            ShortMessage = [0x00, 0x4D, 0x00, 0x62, 0x00, 0x6F, 0x00, 0x74, 0x00, 0xE9],
        },
        "deliver_sm empty" => new DeliverSmPdu { SequenceNumber = 1 },
        "submit_sm_resp max" => new SubmitSmRespPdu { SequenceNumber = 1234, MessageId = new string('f', 64) },
        "submit_sm_resp empty" => new SubmitSmRespPdu { SequenceNumber = 1, CommandStatus = CommandStatus.InvalidDestinationAddress },
        "deliver_sm_resp" => new DeliverSmRespPdu { SequenceNumber = 77 },
        "enquire_link" => new EnquireLinkPdu { SequenceNumber = 1 },
        "enquire_link_resp" => new EnquireLinkRespPdu { SequenceNumber = 1 },
        "unbind" => new UnbindPdu { SequenceNumber = 0x7FFF_FFFF },
        "unbind_resp" => new UnbindRespPdu { SequenceNumber = 0x7FFF_FFFF, CommandStatus = CommandStatus.Ok },
        "generic_nack" => new GenericNackPdu { SequenceNumber = 0, CommandStatus = CommandStatus.InvalidCommandLength },
        "query_sm max" => new QuerySmPdu { SequenceNumber = 9, MessageId = new string('A', 64), SourceAddrTon = 5, SourceAddrNpi = 0, SourceAddr = new string('9', 20) },
        "query_sm_resp delivered" => new QuerySmRespPdu { SequenceNumber = 9, MessageId = "6B8AB62D", FinalDate = "261208010100000+", MessageState = 2, ErrorCode = 0 },
        "query_sm_resp refused" => new QuerySmRespPdu { SequenceNumber = 10, CommandStatus = CommandStatus.QueryFailed },
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static T WithTlvs<T>(T pdu, params Tlv[] tlvs)
        where T : Pdu
    {
        var list = pdu switch
        {
            ShortMessagePdu sm => sm.Tlvs,
            BindRespPdu resp => resp.Tlvs,
            _ => throw new ArgumentException("This PDU keeps no TLVs.", nameof(pdu)),
        };
        list.AddRange(tlvs);
        return pdu;
    }
}
