using System.Buffers;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>Encoding: the hand-written vectors byte for byte, and the fields the encoder refuses.</summary>
[TestFixture]
public sealed class PduCodecEncodeTests
{
    [TestCaseSource(typeof(SpecVectors), nameof(SpecVectors.Names))]
    public void Encode_SpecVector_ProducesExactBytes(string name)
    {
        var (pdu, expected) = SpecVectors.Get(name);

        var bytes = PduCodec.Encode(pdu);

        Assert.That(SmppHex.Format(bytes), Is.EqualTo(SmppHex.Format(expected)));
        Assert.That(PduCodec.GetEncodedLength(pdu), Is.EqualTo(expected.Length));
    }

    [TestCaseSource(typeof(SpecVectors), nameof(SpecVectors.Names))]
    public void Encode_IntoSpanAndBufferWriter_WritesTheSameBytes(string name)
    {
        var (pdu, expected) = SpecVectors.Get(name);
        var span = new byte[expected.Length + 7];
        var output = new ArrayBufferWriter<byte>();
        output.Write(new byte[] { 0xAA });

        var written = PduCodec.Encode(pdu, span.AsSpan());
        var appended = PduCodec.Encode(pdu, output);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(written, Is.EqualTo(expected.Length));
            Assert.That(span[..written], Is.EqualTo(expected));
            Assert.That(span[written..], Is.All.Zero, "nothing written past the PDU");
            Assert.That(appended, Is.EqualTo(expected.Length));
            Assert.That(output.WrittenSpan[1..].ToArray(), Is.EqualTo(expected));
        }
    }

    [Test]
    public void Encode_DestinationTooSmall_ThrowsArgumentException()
    {
        var pdu = SpecVectors.SubmitSm();
        var destination = new byte[SpecVectors.SubmitSmBytes.Length - 1];

        Assert.Throws<ArgumentException>(() => PduCodec.Encode(pdu, destination.AsSpan()));
        Assert.That(destination, Is.All.Zero);
    }

    [Test]
    public void Encode_ShortMessageOf255Bytes_ThrowsArgumentException()
    {
        var pdu = new SubmitSmPdu { ShortMessage = new byte[255] };

        var error = Assert.Throws<ArgumentException>(() => PduCodec.Encode(pdu));
        Assert.That(error!.Message, Does.Contain("message_payload"));
    }

    [Test]
    public void Encode_ShortMessageOf254Bytes_WritesSmLength254()
    {
        var pdu = new DeliverSmPdu { ShortMessage = new byte[254] };

        var bytes = PduCodec.Encode(pdu);

        Assert.That(bytes[^255], Is.EqualTo(254), "sm_length precedes the 254 octets");
    }

    [TestCase("system_id", 16)]
    [TestCase("password", 9)]
    [TestCase("system_type", 13)]
    [TestCase("address_range", 41)]
    [TestCase("outbind system_id", 16)]
    [TestCase("outbind password", 9)]
    [TestCase("bind_resp system_id", 16)]
    [TestCase("service_type", 6)]
    [TestCase("source_addr", 21)]
    [TestCase("destination_addr", 21)]
    [TestCase("schedule_delivery_time", 17)]
    [TestCase("validity_period", 17)]
    [TestCase("submit_sm_resp message_id", 65)]
    [TestCase("deliver_sm_resp message_id", 65)]
    public void Encode_StringAtSpecMax_SucceedsAndOneMoreCharacterThrows(string field, int maxSizeWithNul)
    {
        var fits = WithField(field, new string('a', maxSizeWithNul - 1));
        var tooLong = WithField(field, new string('a', maxSizeWithNul));

        Assert.That(PduCodec.Encode(fits), Is.Not.Empty);
        var error = Assert.Throws<ArgumentException>(() => PduCodec.Encode(tooLong));
        Assert.That(error!.Message, Does.Contain(field.Split(' ')[^1]));
    }

    [TestCase("abc\0def")]
    [TestCase("Ω")]
    [TestCase("😀")]
    public void Encode_StringWithNulOrNonLatin1Character_ThrowsArgumentException(string value)
    {
        var pdu = new SubmitSmPdu { SourceAddr = value };

        Assert.Throws<ArgumentException>(() => PduCodec.Encode(pdu));
    }

    [Test]
    public void Encode_Latin1String_WritesOneOctetPerCharacter()
    {
        var pdu = new SubmitSmRespPdu { MessageId = "\u00E9\u00FF" };

        Assert.That(PduCodec.Encode(pdu)[PduCodec.HeaderSize..], Is.EqualTo(new byte[] { 0xE9, 0xFF, 0x00 }));
    }

    [Test]
    public void Encode_TlvValueLongerThan65535_ThrowsArgumentException()
    {
        var pdu = new SubmitSmPdu();
        pdu.Tlvs.Add(new Tlv(TlvTag.MessagePayload, new byte[65_536]));

        Assert.Throws<ArgumentException>(() => PduCodec.Encode(pdu));
    }

    [Test]
    public void BindPduConstructor_NonBindCommandId_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => _ = new BindPdu(CommandId.SubmitSm));
        Assert.Throws<ArgumentException>(() => _ = new BindPdu(CommandId.BindTransmitterResp));
        Assert.Throws<ArgumentException>(() => _ = new BindRespPdu(CommandId.BindTransmitter));
    }

    private static Pdu WithField(string field, string value) => field switch
    {
        "system_id" => new BindPdu(CommandId.BindTransmitter) { SystemId = value },
        "password" => new BindPdu(CommandId.BindTransmitter) { Password = value },
        "system_type" => new BindPdu(CommandId.BindReceiver) { SystemType = value },
        "address_range" => new BindPdu(CommandId.BindTransceiver) { AddressRange = value },
        "outbind system_id" => new OutbindPdu { SystemId = value },
        "outbind password" => new OutbindPdu { Password = value },
        "bind_resp system_id" => new BindRespPdu(CommandId.BindReceiverResp) { SystemId = value },
        "service_type" => new SubmitSmPdu { ServiceType = value },
        "source_addr" => new SubmitSmPdu { SourceAddr = value },
        "destination_addr" => new DeliverSmPdu { DestinationAddr = value },
        "schedule_delivery_time" => new SubmitSmPdu { ScheduleDeliveryTime = value },
        "validity_period" => new SubmitSmPdu { ValidityPeriod = value },
        "submit_sm_resp message_id" => new SubmitSmRespPdu { MessageId = value },
        "deliver_sm_resp message_id" => new DeliverSmRespPdu { MessageId = value },
        _ => throw new ArgumentOutOfRangeException(nameof(field), field, null),
    };
}
