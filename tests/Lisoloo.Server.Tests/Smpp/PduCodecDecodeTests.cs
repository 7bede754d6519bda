using System.Text;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>Hand-written PDUs (<see cref="SpecVectors"/>) decoded and checked field by field.</summary>
[TestFixture]
public sealed class PduCodecDecodeTests
{
    [Test]
    public void Decode_BindTransceiver_ReadsEveryField()
    {
        var pdu = DecodeComplete<BindPdu>(SpecVectors.BindTransceiverBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.CommandId, Is.EqualTo(CommandId.BindTransceiver));
            Assert.That(pdu.IsResponse, Is.False);
            Assert.That(pdu.CommandStatus, Is.Zero);
            Assert.That(pdu.SequenceNumber, Is.EqualTo(1));
            Assert.That(pdu.SystemId, Is.EqualTo("smppclient1"));
            Assert.That(pdu.Password, Is.EqualTo("password"));
            Assert.That(pdu.SystemType, Is.EqualTo("SMPP"));
            Assert.That(pdu.InterfaceVersion, Is.EqualTo(0x34));
            Assert.That(pdu.AddrTon, Is.EqualTo(1));
            Assert.That(pdu.AddrNpi, Is.EqualTo(1));
            Assert.That(pdu.AddressRange, Is.Empty);
        }
    }

    [Test]
    public void Decode_BindTransceiverRespWithScInterfaceVersion_ReadsSystemIdAndTlv()
    {
        var pdu = DecodeComplete<BindRespPdu>(SpecVectors.BindTransceiverRespWithVersionBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.CommandId, Is.EqualTo(CommandId.BindTransceiverResp));
            Assert.That(pdu.IsResponse, Is.True);
            Assert.That(pdu.CommandStatus, Is.EqualTo(CommandStatus.Ok));
            Assert.That(pdu.SequenceNumber, Is.EqualTo(1));
            Assert.That(pdu.SystemId, Is.EqualTo("SMSC"));
            Assert.That(pdu.Tlvs, Has.Count.EqualTo(1));
            Assert.That(pdu.TryGetTlv(TlvTag.ScInterfaceVersion, out var version), Is.True);
            Assert.That(version.GetByte(), Is.EqualTo(0x34));
        }
    }

    [Test]
    public void Decode_BindTransceiverRespWithoutTlv_HasNoTlvs()
    {
        var pdu = DecodeComplete<BindRespPdu>(SpecVectors.BindTransceiverRespBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.SystemId, Is.EqualTo("SMSC"));
            Assert.That(pdu.Tlvs, Is.Empty);
            Assert.That(pdu.TryGetTlv(TlvTag.ScInterfaceVersion, out _), Is.False);
        }
    }

    [Test]
    public void Decode_BindRespRefusedWithEmptyBody_IsCompleteWithEmptySystemId()
    {
        var pdu = DecodeComplete<BindRespPdu>(SpecVectors.BindTransceiverRespRefusedBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.CommandStatus, Is.EqualTo(CommandStatus.BindFailed));
            Assert.That(CommandStatus.Name(pdu.CommandStatus), Is.EqualTo("ESME_RBINDFAIL"));
            Assert.That(pdu.SystemId, Is.Empty);
            Assert.That(pdu.Tlvs, Is.Empty);
        }
    }

    [Test]
    public void Decode_SubmitSmWithUdhAndTlvs_ReadsEveryField()
    {
        var pdu = DecodeComplete<SubmitSmPdu>(SpecVectors.SubmitSmBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.CommandId, Is.EqualTo(CommandId.SubmitSm));
            Assert.That(pdu.SequenceNumber, Is.EqualTo(5));
            Assert.That(pdu.ServiceType, Is.Empty);
            Assert.That(pdu.SourceAddrTon, Is.EqualTo(5));
            Assert.That(pdu.SourceAddrNpi, Is.Zero);
            Assert.That(pdu.SourceAddr, Is.EqualTo("Lisoloo"));
            Assert.That(pdu.DestAddrTon, Is.EqualTo(1));
            Assert.That(pdu.DestAddrNpi, Is.EqualTo(1));
            Assert.That(pdu.DestinationAddr, Is.EqualTo("243810000001"));
            Assert.That(pdu.EsmClass, Is.EqualTo(0x40));
            Assert.That(pdu.ProtocolId, Is.Zero);
            Assert.That(pdu.PriorityFlag, Is.Zero);
            Assert.That(pdu.ScheduleDeliveryTime, Is.Empty);
            Assert.That(pdu.ValidityPeriod, Is.EqualTo("000001000000000R"));
            Assert.That(pdu.RegisteredDelivery, Is.EqualTo(1));
            Assert.That(pdu.ReplaceIfPresentFlag, Is.Zero);
            Assert.That(pdu.DataCoding, Is.Zero);
            Assert.That(pdu.SmDefaultMsgId, Is.Zero);
            Assert.That(pdu.ShortMessage, Is.EqualTo(new byte[] { 0x05, 0x00, 0x03, 0x2A, 0x02, 0x01, 0x48, 0x65, 0x6C, 0x6C, 0x6F }));
            Assert.That(pdu.Tlvs.Select(t => t.Tag), Is.EqualTo(new[] { TlvTag.UserMessageReference, TlvTag.MoreMessagesToSend }));
            Assert.That(pdu.TryGetTlv(TlvTag.UserMessageReference, out var reference) ? reference.GetUInt16() : -1, Is.EqualTo(0x1234));
            Assert.That(pdu.TryGetTlv(TlvTag.MoreMessagesToSend, out var more) ? more.GetByte() : -1, Is.EqualTo(1));
        }
    }

    [Test]
    public void Decode_SubmitSmResp_ReadsMessageId()
    {
        var pdu = DecodeComplete<SubmitSmRespPdu>(SpecVectors.SubmitSmRespBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.CommandId, Is.EqualTo(CommandId.SubmitSmResp));
            Assert.That(pdu.CommandStatus, Is.EqualTo(CommandStatus.Ok));
            Assert.That(pdu.SequenceNumber, Is.EqualTo(5));
            Assert.That(pdu.MessageId, Is.EqualTo("a1b2c3d4e5"));
        }
    }

    [Test]
    public void Decode_SubmitSmRespThrottledWithEmptyBody_IsCompleteWithEmptyMessageId()
    {
        var pdu = DecodeComplete<SubmitSmRespPdu>(SpecVectors.SubmitSmRespThrottledBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.CommandStatus, Is.EqualTo(CommandStatus.Throttled));
            Assert.That(pdu.SequenceNumber, Is.EqualTo(6));
            Assert.That(pdu.MessageId, Is.Empty);
        }
    }

    [Test]
    public void Decode_DeliverSmReceipt_ReadsFieldsTextAndReceiptTlvs()
    {
        var pdu = DecodeComplete<DeliverSmPdu>(SpecVectors.DeliverSmReceiptBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.CommandId, Is.EqualTo(CommandId.DeliverSm));
            Assert.That(pdu.SequenceNumber, Is.EqualTo(7));
            Assert.That(pdu.SourceAddrTon, Is.EqualTo(1));
            Assert.That(pdu.SourceAddrNpi, Is.EqualTo(1));
            Assert.That(pdu.SourceAddr, Is.EqualTo("243810000001"));
            Assert.That(pdu.DestAddrTon, Is.EqualTo(5));
            Assert.That(pdu.DestAddrNpi, Is.Zero);
            Assert.That(pdu.DestinationAddr, Is.EqualTo("Lisoloo"));
            Assert.That(pdu.EsmClass, Is.EqualTo(0x04));
            Assert.That(pdu.ScheduleDeliveryTime, Is.Empty);
            Assert.That(pdu.ValidityPeriod, Is.Empty);
            Assert.That(pdu.RegisteredDelivery, Is.Zero);
            Assert.That(pdu.DataCoding, Is.Zero);
            Assert.That(pdu.ShortMessage, Has.Length.EqualTo(107));
            Assert.That(Encoding.ASCII.GetString(pdu.ShortMessage), Is.EqualTo(SpecVectors.ReceiptText));
            Assert.That(Encoding.ASCII.GetString(pdu.ShortMessage), Does.StartWith("id:a1b2c3d4e5 ").And.Contain(" stat:DELIVRD "));
            Assert.That(pdu.TryGetTlv(TlvTag.ReceiptedMessageId, out var id), Is.True);
            Assert.That(id.GetCString(), Is.EqualTo("a1b2c3d4e5"));
            Assert.That(pdu.TryGetTlv(TlvTag.MessageState, out var state), Is.True);
            Assert.That(state.GetByte(), Is.EqualTo(2), "DELIVERED");
        }
    }

    [Test]
    public void Decode_EnquireLink_ReadsHeader()
    {
        var pdu = DecodeComplete<EnquireLinkPdu>(SpecVectors.EnquireLinkBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.CommandId, Is.EqualTo(CommandId.EnquireLink));
            Assert.That(pdu.SequenceNumber, Is.EqualTo(2));
            Assert.That(pdu.IsResponse, Is.False);
        }
    }

    [Test]
    public void Decode_Unbind_ReadsHeader()
    {
        var pdu = DecodeComplete<UnbindPdu>(SpecVectors.UnbindBytes);

        Assert.That(pdu.SequenceNumber, Is.EqualTo(3));
    }

    [Test]
    public void Decode_GenericNack_ReadsStatusAndSequence()
    {
        var pdu = DecodeComplete<GenericNackPdu>(SpecVectors.GenericNackBytes);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(pdu.IsResponse, Is.True);
            Assert.That(pdu.CommandStatus, Is.EqualTo(CommandStatus.InvalidCommandId));
            Assert.That(pdu.SequenceNumber, Is.EqualTo(9));
        }
    }

    [Test]
    public void Decode_CStringLongerThanSpecMax_IsAcceptedWhenNulIsInsidePdu()
    {
        var longId = new string('x', 100); // the spec allows 64 characters
        var bytes = SmppHex.Parse("00000000 80000004 00000000 00000001 # submit_sm_resp header")
            .Concat(Encoding.ASCII.GetBytes(longId)).Append((byte)0).ToArray();
        SetLength(bytes);

        var pdu = DecodeComplete<SubmitSmRespPdu>(bytes);

        Assert.That(pdu.MessageId, Is.EqualTo(longId));
    }

    [Test]
    public void Decode_Latin1Text_ReadsCharactersAbove127()
    {
        var bytes = SmppHex.Parse("""
            00000013 80000004 00000000 00000001      # submit_sm_resp header, length 19
            E9 FF 00                                 # message_id "éÿ" in Latin-1
            """);

        Assert.That(DecodeComplete<SubmitSmRespPdu>(bytes).MessageId, Is.EqualTo("\u00E9\u00FF"));
    }

    [Test]
    public void Decode_MissingNulInMandatoryString_IsInvalidWithCommandLengthStatus()
    {
        var bytes = SmppHex.Parse("""
            00000015 80000004 00000000 0000000B      # submit_sm_resp header, length 21, sequence 11
            61 62 63 64 65                           # message_id "abcde" without its NUL
            """);

        var result = PduCodec.Decode(bytes);

        AssertInvalid(result, bytes.Length, 0x80000004, 11, CommandStatus.InvalidCommandLength);
        Assert.That(result.Error, Does.Contain("message_id"));
    }

    [Test]
    public void Decode_BodyEndsBeforeFixedField_IsInvalidWithCommandLengthStatus()
    {
        var full = SpecVectors.BindTransceiverBytes;
        var bytes = full[..(full.Length - 2)]; // drops addr_npi and address_range
        SetLength(bytes);

        var result = PduCodec.Decode(bytes);

        AssertInvalid(result, bytes.Length, (uint)CommandId.BindTransceiver, 1, CommandStatus.InvalidCommandLength);
        Assert.That(result.Error, Does.Contain("addr_npi"));
    }

    [Test]
    public void Decode_SmLengthBeyondBody_IsInvalidWithMessageLengthStatus()
    {
        var bytes = (byte[])SpecVectors.SubmitSmBytes.Clone();
        const int smLengthAt = PduCodec.HeaderSize + 51; // after the 51 octets of mandatory fields before it
        Assert.That(bytes[smLengthAt], Is.EqualTo(0x0B));
        bytes[smLengthAt] = 0xFF; // sm_length 255, but only 22 bytes follow

        var result = PduCodec.Decode(bytes);

        AssertInvalid(result, bytes.Length, (uint)CommandId.SubmitSm, 5, CommandStatus.InvalidMessageLength);
        Assert.That(result.Error, Does.Contain("sm_length"));
    }

    [TestCase(1)]
    [TestCase(2)]
    [TestCase(3)]
    public void Decode_TrailingBytesTooShortForTlvHeader_IsInvalidWithOptionalParameterStreamStatus(int trailing)
    {
        var bytes = SpecVectors.SubmitSmRespBytes.Concat(new byte[trailing]).ToArray();
        SetLength(bytes);

        var result = PduCodec.Decode(bytes);

        AssertInvalid(result, bytes.Length, (uint)CommandId.SubmitSmResp, 5, CommandStatus.InvalidOptionalParameterStream);
    }

    [Test]
    public void Decode_TlvLengthBeyondPdu_IsInvalidWithParameterLengthStatus()
    {
        var bytes = (byte[])SpecVectors.BindTransceiverRespWithVersionBytes.Clone();
        bytes[^2] = 0x02; // sc_interface_version claims 2 bytes, 1 is there

        var result = PduCodec.Decode(bytes);

        AssertInvalid(result, bytes.Length, (uint)CommandId.BindTransceiverResp, 1, CommandStatus.InvalidParameterLength);
        Assert.That(result.Error, Does.Contain("0x0210"));
    }

    [Test]
    public void Decode_WellFormedTlvAfterBodyOfPduWithoutTlvs_IsCompleteAndIgnoresIt()
    {
        var bytes = SpecVectors.EnquireLinkBytes.Concat(SmppHex.Parse("001D 0003 6F 6B 00")).ToArray();
        SetLength(bytes);

        var result = PduCodec.Decode(bytes);

        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Complete));
        Assert.That(result.Consumed, Is.EqualTo(bytes.Length));
    }

    [Test]
    public void Decode_Outbind_ReadsSystemIdAndPassword()
    {
        var bytes = SmppHex.Parse("""
            0000001C 0000000B 00000000 00000004      # outbind header, length 28
            53 4D 53 43 00                           # system_id "SMSC"
            73 65 63 72 65 74 00                     # password "secret"
            """);

        var pdu = DecodeComplete<OutbindPdu>(bytes);

        Assert.That((pdu.SystemId, pdu.Password, pdu.SequenceNumber), Is.EqualTo(("SMSC", "secret", 4u)));
    }

    internal static T DecodeComplete<T>(byte[] bytes)
        where T : Pdu
    {
        var result = PduCodec.Decode(bytes);
        Assert.That(result.Status, Is.EqualTo(DecodeStatus.Complete), result.Error);
        Assert.That(result.Consumed, Is.EqualTo(bytes.Length));
        Assert.That(result.ErrorStatus, Is.Zero);
        Assert.That(result.Pdu, Is.InstanceOf<T>());
        Assert.That(result.CommandId, Is.EqualTo((uint)result.Pdu!.CommandId));
        Assert.That(result.SequenceNumber, Is.EqualTo(result.Pdu.SequenceNumber));
        return (T)result.Pdu;
    }

    internal static void AssertInvalid(DecodeResult result, int consumed, uint commandId, uint sequence, uint errorStatus)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(DecodeStatus.Invalid));
            Assert.That(result.Pdu, Is.Null);
            Assert.That(result.Consumed, Is.EqualTo(consumed));
            Assert.That(result.CommandId, Is.EqualTo(commandId));
            Assert.That(result.SequenceNumber, Is.EqualTo(sequence));
            Assert.That(CommandStatus.Name(result.ErrorStatus), Is.EqualTo(CommandStatus.Name(errorStatus)));
            Assert.That(result.Error, Is.Not.Null.And.Not.Empty);
        }
    }

    /// <summary>Rewrites command_length to the array's length.</summary>
    internal static void SetLength(byte[] bytes) =>
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)bytes.Length);
}
