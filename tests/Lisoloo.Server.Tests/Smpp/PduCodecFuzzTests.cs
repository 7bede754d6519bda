using System.Buffers.Binary;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// Seeded, bounded fuzzing of <see cref="PduCodec.Decode"/>: random bytes, truncations and single-byte mutations of
/// valid PDUs. Decode must never throw, must consume either nothing or exactly one whole PDU, and the session's loop
/// (skip Invalid, stop on FramingLost or NeedMoreData) must always end.
/// </summary>
[TestFixture]
public sealed class PduCodecFuzzTests
{
    private const int Cases = 20_000;

    [Test]
    public void Decode_RandomBytes_NeverThrowsAndConsumesWholePdusOnly()
    {
        var random = new Random(20_250_101);
        var counts = new int[4];
        for (var i = 0; i < Cases; i++)
        {
            var bytes = new byte[random.Next(0, 80)];
            random.NextBytes(bytes);
            if (bytes.Length >= 8 && random.Next(2) == 0)
            {
                // A plausible header, so bodies get parsed rather than nearly every case being FramingLost.
                BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)random.Next(PduCodec.HeaderSize, bytes.Length + 8));
                BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), KnownIds[random.Next(KnownIds.Length)]);
            }

            counts[(int)CheckInvariants(bytes)]++;
        }

        Assert.That(counts, Is.All.Positive, "every outcome was reached: Complete, NeedMoreData, Invalid, FramingLost");
    }

    [Test]
    public void Decode_TruncatedAndMutatedValidPdus_NeverThrowsAndConsumesWholePdusOnly()
    {
        var random = new Random(3_4);
        var valid = ValidPdus();
        var counts = new int[4];
        for (var i = 0; i < Cases; i++)
        {
            var bytes = (byte[])valid[random.Next(valid.Length)].Clone();
            switch (random.Next(3))
            {
                case 0:
                    bytes = bytes[..random.Next(0, bytes.Length + 1)];
                    break;
                case 1:
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                    break;
                default:
                    bytes[random.Next(PduCodec.HeaderSize, Math.Max(PduCodec.HeaderSize + 1, bytes.Length))
                        % bytes.Length] = (byte)random.Next(256);
                    bytes = bytes[..random.Next(PduCodec.HeaderSize, bytes.Length + 1)];
                    BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)bytes.Length); // the body changed, the framing holds
                    break;
            }

            var status = CheckInvariants(bytes);
            counts[(int)status]++;
            var result = PduCodec.Decode(bytes);
            if (status == DecodeStatus.Complete)
            {
                ReencodeIfValid(result.Pdu!);
            }
        }

        Assert.That(counts, Is.All.Positive, "every outcome was reached: Complete, NeedMoreData, Invalid, FramingLost");
    }

    [Test]
    public void DecodeLoop_StreamOfMutatedPdus_AlwaysTerminates()
    {
        var random = new Random(58);
        var valid = ValidPdus();
        for (var run = 0; run < Cases / 20; run++)
        {
            var stream = new List<byte>();
            for (var n = random.Next(1, 20); n > 0; n--)
            {
                var bytes = (byte[])valid[random.Next(valid.Length)].Clone();
                if (random.Next(3) == 0)
                {
                    bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
                }

                stream.AddRange(bytes);
            }

            var buffer = stream.ToArray();
            var offset = 0;
            var steps = 0;
            while (true)
            {
                var result = PduCodec.Decode(buffer.AsSpan(offset));
                if (result.Status is DecodeStatus.FramingLost or DecodeStatus.NeedMoreData)
                {
                    break;
                }

                Assert.That(result.Consumed, Is.GreaterThanOrEqualTo(PduCodec.HeaderSize), "Complete and Invalid always move on");
                offset += result.Consumed;
                Assert.That(++steps, Is.LessThanOrEqualTo(buffer.Length / PduCodec.HeaderSize), "the loop ends");
            }

            Assert.That(offset, Is.LessThanOrEqualTo(buffer.Length));
        }
    }

    private static readonly uint[] KnownIds = Enum.GetValues<CommandId>().Select(id => (uint)id).ToArray();

    /// <summary>Decodes once and checks what must hold for any input; returns the status.</summary>
    private static DecodeStatus CheckInvariants(byte[] bytes)
    {
        DecodeResult result = default;
        Assert.DoesNotThrow(() => result = PduCodec.Decode(bytes), SmppHex.Format(bytes));
        if (result.Consumed != 0)
        {
            Assert.That(result.Consumed, Is.InRange(PduCodec.HeaderSize, bytes.Length), SmppHex.Format(bytes));
            Assert.That(result.Consumed, Is.EqualTo((int)BinaryPrimitives.ReadUInt32BigEndian(bytes)), "Consumed is command_length");
        }

        switch (result.Status)
        {
            case DecodeStatus.Complete:
                Assert.That(result.Pdu, Is.Not.Null);
                Assert.That(result.Consumed, Is.Not.Zero);
                break;
            case DecodeStatus.Invalid:
                Assert.That((result.Pdu, result.ErrorStatus != 0, result.Error is { Length: > 0 }), Is.EqualTo(((Pdu?)null, true, true)));
                Assert.That(result.Consumed, Is.Not.Zero);
                break;
            default:
                Assert.That((result.Pdu, result.Consumed), Is.EqualTo(((Pdu?)null, 0)));
                break;
        }

        return result.Status;
    }

    /// <summary>A decoded PDU either re-encodes into a PDU that decodes again, or is refused with ArgumentException
    /// (the decoder is lenient about lengths the encoder enforces).</summary>
    private static void ReencodeIfValid(Pdu pdu)
    {
        byte[] bytes;
        try
        {
            bytes = PduCodec.Encode(pdu);
        }
        catch (ArgumentException)
        {
            return;
        }

        Assert.That(PduCodec.Decode(bytes).Status, Is.EqualTo(DecodeStatus.Complete));
    }

    private static byte[][] ValidPdus() =>
    [
        .. SpecVectors.Names.Select(n => SpecVectors.Get(n).Bytes),
        PduCodec.Encode(new OutbindPdu { SystemId = "SMSC", Password = "pw" }),
        PduCodec.Encode(new DeliverSmRespPdu { SequenceNumber = 3 }),
        PduCodec.Encode(new BindPdu(CommandId.BindReceiver) { SystemId = "x" }),
    ];
}
