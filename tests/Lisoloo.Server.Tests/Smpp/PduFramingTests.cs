using System.Buffers.Binary;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>Where one PDU ends and the next begins: partial reads, back-to-back PDUs, bad lengths, unknown commands.</summary>
[TestFixture]
public sealed class PduFramingTests
{
    [Test]
    public void Decode_TwoPdusBackToBack_ReadsBothInOrder()
    {
        var stream = SpecVectors.SubmitSmBytes.Concat(SpecVectors.EnquireLinkBytes).ToArray();

        var first = PduCodec.Decode(stream);
        var second = PduCodec.Decode(stream.AsSpan(first.Consumed));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Status, Is.EqualTo(DecodeStatus.Complete));
            Assert.That(first.Pdu, Is.InstanceOf<SubmitSmPdu>());
            Assert.That(first.Consumed, Is.EqualTo(SpecVectors.SubmitSmBytes.Length));
            Assert.That(second.Status, Is.EqualTo(DecodeStatus.Complete));
            Assert.That(second.Pdu, Is.InstanceOf<EnquireLinkPdu>());
            Assert.That(first.Consumed + second.Consumed, Is.EqualTo(stream.Length));
        }
    }

    [TestCaseSource(typeof(SpecVectors), nameof(SpecVectors.Names))]
    public void Decode_PduSplitAtEveryByteBoundary_NeedsMoreDataUntilComplete(string name)
    {
        var bytes = SpecVectors.Get(name).Bytes;

        for (var available = 0; available < bytes.Length; available++)
        {
            var partial = PduCodec.Decode(bytes.AsSpan(0, available));
            Assert.That((partial.Status, partial.Consumed, partial.Pdu), Is.EqualTo((DecodeStatus.NeedMoreData, 0, (Pdu?)null)),
                $"{available} of {bytes.Length} bytes");
        }

        var whole = PduCodec.Decode(bytes);
        Assert.That((whole.Status, whole.Consumed), Is.EqualTo((DecodeStatus.Complete, bytes.Length)));
    }

    [Test]
    public void Decode_StreamFedOneByteAtATime_YieldsEachPduOnce()
    {
        var stream = SpecVectors.Names.SelectMany(n => SpecVectors.Get(n).Bytes).ToArray();
        var buffer = new List<byte>();
        var decoded = new List<Pdu>();

        foreach (var b in stream)
        {
            buffer.Add(b);
            var result = PduCodec.Decode(buffer.ToArray());
            if (result.Status == DecodeStatus.Complete)
            {
                decoded.Add(result.Pdu!);
                buffer.RemoveRange(0, result.Consumed);
            }
            else
            {
                Assert.That(result.Status, Is.EqualTo(DecodeStatus.NeedMoreData));
            }
        }

        Assert.That(buffer, Is.Empty);
        Assert.That(decoded.Select(p => p.GetType().Name), Is.EqualTo(SpecVectors.Names.Select(n => SpecVectors.Get(n).Pdu.GetType().Name)));
    }

    [TestCase(0u)]
    [TestCase(1u)]
    [TestCase(15u)]
    [TestCase(65_537u)]
    [TestCase(0x7FFF_FFFFu)]
    [TestCase(0xFFFF_FFFFu)]
    public void Decode_CommandLengthOutsideLimits_IsFramingLostFromFirstFourBytes(uint commandLength)
    {
        var header = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(header, commandLength);

        var result = PduCodec.Decode(header);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Status, Is.EqualTo(DecodeStatus.FramingLost));
            Assert.That(result.Consumed, Is.Zero);
            Assert.That(result.Pdu, Is.Null);
            Assert.That(result.ErrorStatus, Is.EqualTo(CommandStatus.InvalidCommandLength));
            Assert.That(result.Error, Does.Contain("command_length"));
        }
    }

    [Test]
    public void Decode_FramingLostWithWholeHeader_ReportsCommandIdAndSequence()
    {
        var bytes = SmppHex.Parse("0000000F 00000015 00000000 0000002A 00 # enquire_link claiming 15 bytes, sequence 42");

        var result = PduCodec.Decode(bytes);

        Assert.That((result.Status, result.CommandId, result.SequenceNumber, result.Consumed),
            Is.EqualTo((DecodeStatus.FramingLost, 0x15u, 42u, 0)));
    }

    [Test]
    public void Decode_CommandLengthAtCustomMax_IsAcceptedAndOneMoreIsFramingLost()
    {
        var pdu = new SubmitSmPdu { ShortMessage = new byte[200] };
        var bytes = PduCodec.Encode(pdu);

        Assert.That(PduCodec.Decode(bytes, maxPduSize: bytes.Length).Status, Is.EqualTo(DecodeStatus.Complete));
        Assert.That(PduCodec.Decode(bytes.AsSpan(0, 4), maxPduSize: bytes.Length - 1).Status, Is.EqualTo(DecodeStatus.FramingLost));
    }

    [TestCase(0u)]
    [TestCase(1u)]
    [TestCase(3u)]
    public void Decode_FewerThanFourBytes_NeedsMoreData(uint available)
    {
        var result = PduCodec.Decode(new byte[] { 0xFF, 0xFF, 0xFF }.AsSpan(0, (int)available));

        Assert.That((result.Status, result.Consumed), Is.EqualTo((DecodeStatus.NeedMoreData, 0)));
    }

    [Test]
    public void Decode_UnknownCommandId_IsInvalidWithCommandIdStatusAndTheNextPduStillDecodes()
    {
        var stream = SmppHex.Parse("""
            00000014                                 # command_length 20
            00000099                                 # command_id: not an SMPP 3.4 command
            00000000                                 # command_status
            0000002A                                 # sequence_number 42
            DE AD BE EF                              # a body nobody can read
            """).Concat(SpecVectors.EnquireLinkBytes).ToArray();

        var unknown = PduCodec.Decode(stream);
        var next = PduCodec.Decode(stream.AsSpan(unknown.Consumed));

        PduCodecDecodeTests.AssertInvalid(unknown, 20, 0x99, 42, CommandStatus.InvalidCommandId);
        Assert.That(next.Pdu, Is.InstanceOf<EnquireLinkPdu>());
    }

    [TestCase(CommandId.ReplaceSm)]
    [TestCase(CommandId.CancelSm)]
    [TestCase(CommandId.SubmitMulti)]
    [TestCase(CommandId.SubmitMultiResp)]
    [TestCase(CommandId.AlertNotification)]
    [TestCase(CommandId.DataSm)]
    [TestCase(CommandId.DataSmResp)]
    public void Decode_CommandThisCodecDoesNotRead_IsInvalidWithCommandIdStatus(object commandId)
    {
        var bytes = SmppHex.Parse("00000011 00000000 00000000 00000007 00 # length 17, sequence 7, one body byte");
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), (uint)(CommandId)commandId);

        var result = PduCodec.Decode(bytes);

        PduCodecDecodeTests.AssertInvalid(result, 17, (uint)(CommandId)commandId, 7, CommandStatus.InvalidCommandId);
    }

    [Test]
    public void Decode_InvalidBody_ConsumesOnlyThatPdu()
    {
        var broken = SmppHex.Parse("00000013 80000004 00000000 00000001 61 62 63 # submit_sm_resp, message_id without NUL");
        var stream = broken.Concat(SpecVectors.UnbindBytes).ToArray();

        var first = PduCodec.Decode(stream);
        var second = PduCodec.Decode(stream.AsSpan(first.Consumed));

        Assert.That((first.Status, first.Consumed), Is.EqualTo((DecodeStatus.Invalid, broken.Length)));
        Assert.That(second.Pdu, Is.InstanceOf<UnbindPdu>());
    }
}
