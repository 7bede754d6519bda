using Lisoloo.Sdk;
using Lisoloo.Server.Carriers.Smpp.Text;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>Outbound encoding: one SMS or concatenated parts, as billed, within the octets a part may hold.</summary>
[TestFixture]
public sealed class SmsEncoderTests
{
    private const string Emoji = "\uD83D\uDE00";

    private static readonly SmppTextOptions Default = new();
    private static readonly SmppTextOptions Packed = new(Gsm7Packing.Packed);
    private static readonly SmppTextOptions SixteenBit = new(Concatenation: ConcatenationReference.SixteenBit);

    private static IEnumerable<SmppTextOptions> EveryMode()
    {
        foreach (var packing in new[] { Gsm7Packing.Unpacked, Gsm7Packing.Packed })
        {
            foreach (var reference in new[] { ConcatenationReference.EightBit, ConcatenationReference.SixteenBit })
            {
                yield return new SmppTextOptions(packing, reference);
            }
        }
    }

    [Test]
    public void Encode_Gsm160_IsOnePartWithoutHeader()
    {
        var text = new string('a', 160);

        var unpacked = SmsEncoder.Encode(text, Default, 1);
        var packed = SmsEncoder.Encode(text, Packed, 1);

        Assert.Multiple(() =>
        {
            Assert.That(unpacked.DataCoding, Is.EqualTo(0x00));
            Assert.That(unpacked.Udhi, Is.False);
            Assert.That(unpacked.Parts.Select(p => p.Length), Is.EqualTo(new[] { 160 }));
            Assert.That(packed.Parts.Select(p => p.Length), Is.EqualTo(new[] { 140 }));
        });
    }

    [Test]
    public void Encode_Ucs2Seventy_IsOnePartOf140Octets()
    {
        var encoded = SmsEncoder.Encode(new string('ж', 70), Default, 1);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.DataCoding, Is.EqualTo(0x08));
            Assert.That(encoded.Udhi, Is.False);
            Assert.That(encoded.Parts.Select(p => p.Length), Is.EqualTo(new[] { 140 }));
            Assert.That(encoded.Parts[0][..2], Is.EqualTo(new byte[] { 0x04, 0x36 }), "big-endian UTF-16");
        });
    }

    [Test]
    public void Encode_Empty_IsOneEmptyGsmPart()
    {
        var encoded = SmsEncoder.Encode(string.Empty, Default, 1);

        Assert.That((encoded.DataCoding, encoded.Udhi, encoded.Parts.Count, encoded.Parts[0].Length), Is.EqualTo(((byte)0, false, 1, 0)));
    }

    [Test]
    public void Encode_Gsm161EightBit_IsTwoPartsWith8BitReferenceHeader()
    {
        var encoded = SmsEncoder.Encode(new string('a', 160) + "b", Default, 0x1234);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.Udhi, Is.True);
            Assert.That(encoded.Parts, Has.Count.EqualTo(2));
            Assert.That(encoded.Parts[0][..6], Is.EqualTo(new byte[] { 0x05, 0x00, 0x03, 0x34, 0x02, 0x01 }), "low byte of the reference");
            Assert.That(encoded.Parts[1][..6], Is.EqualTo(new byte[] { 0x05, 0x00, 0x03, 0x34, 0x02, 0x02 }));
            Assert.That(encoded.Parts.Select(p => p.Length - 6), Is.EqualTo(new[] { 153, 8 }));
            Assert.That(encoded.Parts[1][^1], Is.EqualTo((byte)'b'));
        });
    }

    [Test]
    public void Encode_Gsm161Packed_PartsAre140OctetsWithOneFillBit()
    {
        var text = new string('a', 160) + "b";

        var encoded = SmsEncoder.Encode(text, Packed, 7);

        var first = Gsm7.Pack(Gsm7.ToSeptets(text[..153]), fillBits: 1);
        Assert.Multiple(() =>
        {
            Assert.That(encoded.Parts[0], Has.Length.EqualTo(140));
            Assert.That(encoded.Parts[0][6..], Is.EqualTo(first));
            Assert.That(encoded.Parts[1][..6], Is.EqualTo(new byte[] { 0x05, 0x00, 0x03, 0x07, 0x02, 0x02 }));
        });
    }

    [Test]
    public void Encode_Ucs2Seventy1_IsTwoPartsOf67And4Units()
    {
        var encoded = SmsEncoder.Encode(new string('ж', 71), Default, 9);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.DataCoding, Is.EqualTo(0x08));
            Assert.That(encoded.Parts.Select(p => p.Length), Is.EqualTo(new[] { 6 + 134, 6 + 8 }));
            Assert.That(encoded.Parts[1][..6], Is.EqualTo(new byte[] { 0x05, 0x00, 0x03, 0x09, 0x02, 0x02 }));
        });
    }

    [Test]
    public void Encode_EscapePairAtPartBoundary_MovesWholeToNextPart()
    {
        var text = new string('a', 152) + "€" + new string('b', 10);

        var encoded = SmsEncoder.Encode(text, Default, 1);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.Parts[0].Length - 6, Is.EqualTo(152), "153 would split the escape pair");
            Assert.That(encoded.Parts[1][6..8], Is.EqualTo(new byte[] { 0x1B, 0x65 }));
            Assert.That(encoded.Parts[0][^1], Is.Not.EqualTo(Gsm7.Escape));
        });
    }

    [Test]
    public void Encode_SurrogatePairAtPartBoundary_MovesWholeToNextPart()
    {
        var text = new string('ж', 66) + Emoji + new string('ж', 10);

        var encoded = SmsEncoder.Encode(text, Default, 1);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.Parts[0].Length - 6, Is.EqualTo(66 * 2), "67 units would split the pair");
            Assert.That(encoded.Parts[1][6..10], Is.EqualTo(new byte[] { 0xD8, 0x3D, 0xDE, 0x00 }));
        });
    }

    [Test]
    public void Encode_EightBitOnRandomCorpus_GivesExactlyTheBilledParts()
    {
        foreach (var text in Corpus(seed: 4242, count: 300))
        {
            var billed = SmsSegments.Split(text);
            var unpacked = SmsEncoder.Encode(text, Default, 77);
            var packed = SmsEncoder.Encode(text, Packed, 77);
            var decoded = unpacked.Parts.Select(p => InboundDecoder.Decode(unpacked.DataCoding, unpacked.Udhi, p, Gsm7Packing.Unpacked).Text);

            Assert.That(unpacked.Parts, Has.Count.EqualTo(Math.Max(1, SmsSegments.Count(text).Segments)), text);
            Assert.That(packed.Parts, Has.Count.EqualTo(unpacked.Parts.Count), text);
            Assert.That(decoded, Is.EqualTo(billed.Count == 0 ? [string.Empty] : billed), "part by part, the billed split");
        }
    }

    [Test]
    public void Encode_SixteenBit_Uses7OctetHeaderAnd152SeptetParts()
    {
        var encoded = SmsEncoder.Encode(new string('a', 161), SixteenBit, 0x1234);

        Assert.Multiple(() =>
        {
            Assert.That(encoded.Parts[0][..7], Is.EqualTo(new byte[] { 0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x01 }));
            Assert.That(encoded.Parts[1][..7], Is.EqualTo(new byte[] { 0x06, 0x08, 0x04, 0x12, 0x34, 0x02, 0x02 }));
            Assert.That(encoded.Parts.Select(p => p.Length - 7), Is.EqualTo(new[] { 152, 9 }));
        });
    }

    [TestCase("a", 304, 2, 2)]
    [TestCase("a", 305, 2, 3)] // 153 + 152 billed; 152 + 152 + 1 with the longer header
    [TestCase("ж", 132, 2, 2)]
    [TestCase("ж", 133, 2, 3)] // 67 + 66 billed; 66 + 66 + 1 with the longer header
    public void Encode_SixteenBit_MayNeedMorePartsThanBilled(string unit, int repeat, int eightBitParts, int sixteenBitParts)
    {
        var text = string.Concat(Enumerable.Repeat(unit, repeat));

        Assert.That(SmsEncoder.Encode(text, Default, 1).Parts, Has.Count.EqualTo(eightBitParts));
        Assert.That(SmsEncoder.Encode(text, SixteenBit, 1).Parts, Has.Count.EqualTo(sixteenBitParts));
    }

    [Test]
    public void Encode_SixteenBitUcs2_Uses66UnitPartsAndKeepsSurrogatePairs()
    {
        var text = new string('ж', 65) + Emoji + new string('ж', 10);

        var encoded = SmsEncoder.Encode(text, SixteenBit, 1);

        Assert.That(encoded.Parts.Select(p => (p.Length - 7) / 2), Is.EqualTo(new[] { 65, 12 }));
    }

    [Test]
    public void Encode_EveryModeOnRandomCorpus_PartsFitTheirLimits()
    {
        foreach (var options in EveryMode())
        {
            foreach (var text in Corpus(seed: 99, count: 200))
            {
                var encoded = SmsEncoder.Encode(text, options, 1);
                var limit = encoded.DataCoding == 0x08 || options.Packing == Gsm7Packing.Packed ? 140 : 160;
                Assert.That(encoded.Parts.Max(p => p.Length), Is.LessThanOrEqualTo(limit), $"{options}: {text}");
            }
        }
    }

    [Test]
    public void Encode_EveryModeOnRandomCorpus_DecodesBackToTheText()
    {
        foreach (var options in EveryMode())
        {
            // Packed: a part that really ends in CR on an octet boundary reads as padding (pinned in InboundDecoderTests),
            // so CR stays out of this corpus.
            var corpus = Corpus(seed: 7, count: 250)
                .Select(t => options.Packing == Gsm7Packing.Packed ? t.Replace('\r', '\n') : t);
            foreach (var text in corpus)
            {
                var encoded = SmsEncoder.Encode(text, options, 0xBEEF);
                var parts = encoded.Parts
                    .Select(p => InboundDecoder.Decode(encoded.DataCoding, encoded.Udhi, p, options.Packing))
                    .ToList();

                if (parts.Count > 1)
                {
                    var reference = options.Concatenation == ConcatenationReference.EightBit ? 0xEF : 0xBEEF;
                    Assert.That(
                        parts.Select(p => p.Concatenation),
                        Is.EqualTo(parts.Select((_, i) => new ConcatenationInfo((ushort)reference, (byte)parts.Count, (byte)(i + 1)))),
                        $"{options}: {text}");
                }
                else
                {
                    Assert.That(parts[0].Concatenation, Is.Null);
                }

                var joined = Concatenation.Join(parts.Select((p, i) => ((byte)(i + 1), p.Text)).Reverse());
                Assert.That(joined, Is.EqualTo(text), options.ToString());
            }
        }
    }

    [Test]
    public void Encode_MoreThan255Parts_Throws() =>
        Assert.That(() => SmsEncoder.Encode(new string('a', (153 * 255) + 1), Default, 1), Throws.ArgumentException);

    /// <summary>
    /// Seeded texts up to about 10 parts: GSM-7 from both tables (escape pairs included), and about a third with a
    /// non-GSM character (UCS-2, emoji included).
    /// </summary>
    private static List<string> Corpus(int seed, int count)
    {
        var basic = Enumerable.Range(0, 0x80).Where(c => c != Gsm7.Escape).Select(c => Gsm7.FromSeptets([(byte)c])).ToArray();
        string[] extension = ["\f", "^", "{", "}", "\\", "[", "~", "]", "|", "€"];
        string[] other = ["ж", "ç", "中", Emoji, "é"];
        var random = new Random(seed);
        var texts = new List<string>(count);
        for (var n = 0; n < count; n++)
        {
            var ucs2 = random.Next(3) == 0;
            var length = random.Next(4) == 0 ? random.Next(150, 170) : random.Next(0, ucs2 ? 600 : 1500);
            var builder = new System.Text.StringBuilder();
            while (builder.Length < length)
            {
                var roll = random.Next(100);
                builder.Append(roll < 8 ? extension[random.Next(extension.Length)]
                    : ucs2 && roll < 14 ? other[random.Next(other.Length)]
                    : basic[random.Next(basic.Length)]);
            }

            texts.Add(builder.ToString());
        }

        return texts;
    }
}
