using System.Text;
using Lisoloo.Server.Carriers.Smpp.Text;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>Inbound <c>short_message</c> decoding: user data headers, data codings, and input that is not what it claims.</summary>
[TestFixture]
public sealed class InboundDecoderTests
{
    private static byte[] Bytes(params object[] pieces) =>
        pieces.SelectMany(p => p switch
        {
            byte[] bytes => bytes,
            string hex => Convert.FromHexString(hex),
            _ => throw new ArgumentException("hex string or byte[]"),
        }).ToArray();

    [Test]
    public void Decode_EightBitConcatenationHeader_GivesTextAndPartPlace()
    {
        var message = Bytes("0500037A0302", Gsm7.ToSeptets("hello"));

        var decoded = InboundDecoder.Decode(0x00, true, message, Gsm7Packing.Unpacked);

        Assert.That(decoded, Is.EqualTo(new InboundText("hello", new ConcatenationInfo(0x7A, 3, 2))));
    }

    [Test]
    public void Decode_SixteenBitConcatenationHeader_GivesBigEndianReference()
    {
        var message = Bytes("060804123403010436");

        var decoded = InboundDecoder.Decode(0x08, true, message, Gsm7Packing.Unpacked);

        Assert.That(decoded, Is.EqualTo(new InboundText("ж", new ConcatenationInfo(0x1234, 3, 1))));
    }

    [Test]
    public void Decode_PackedPartOfCapturedSmsDeliver_UsesTheFillBit()
    {
        var message = Convert.FromHexString("0500033A0202EC6176BD0C4ACF4134170E06");

        var decoded = InboundDecoder.Decode(0x00, true, message, Gsm7Packing.Packed);

        Assert.That(decoded, Is.EqualTo(new InboundText("value is 4.80", new ConcatenationInfo(0x3A, 2, 2))));
    }

    [Test]
    public void Decode_UnrelatedElementBeforeConcatenation_IsSkippedAndFillFollowsTheHeaderLength()
    {
        // UDHL 11: application port addressing (IEI 0x05, 4 octets), then the 8-bit concatenation element: a 12-octet
        // header, so packed septets start after 2 fill bits.
        var header = Convert.FromHexString("0B05040B8423F00003110201");
        var packed = Bytes(header, Gsm7.Pack(Gsm7.ToSeptets("hi there"), fillBits: 2));
        var unpacked = Bytes(header, Gsm7.ToSeptets("hi there"));

        var fromPacked = InboundDecoder.Decode(0x00, true, packed, Gsm7Packing.Packed);
        var fromUnpacked = InboundDecoder.Decode(0x00, true, unpacked, Gsm7Packing.Unpacked);

        var expected = new InboundText("hi there", new ConcatenationInfo(0x11, 2, 1));
        Assert.That((fromPacked, fromUnpacked), Is.EqualTo((expected, expected)));
    }

    [Test]
    public void Decode_HeaderWithoutConcatenation_RemovesHeaderOnly()
    {
        var message = Bytes("0605040B8423F0", Encoding.Latin1.GetBytes("data"));

        Assert.That(InboundDecoder.Decode(0x04, true, message, Gsm7Packing.Unpacked), Is.EqualTo(new InboundText("data", null)));
    }

    [TestCase("0500037A0300")] // sequence 0
    [TestCase("0500037A0304")] // sequence above total
    [TestCase("0500037A0001")] // total 0
    [TestCase("0400027A03")] // concatenation element of the wrong length
    public void Decode_ConcatenationElementTheSpecSaysToIgnore_GivesNoPartPlace(string header)
    {
        var message = Bytes(header, Gsm7.ToSeptets("hi"));

        Assert.That(InboundDecoder.Decode(0x00, true, message, Gsm7Packing.Unpacked), Is.EqualTo(new InboundText("hi", null)));
    }

    [TestCase("2041424344")] // UDHL 32 runs past the 5 octets
    [TestCase("0500097A030141")] // the element's length (9) runs past the header
    [TestCase("01")] // UDHL 1, nothing after it
    public void Decode_MalformedHeaderLength_DecodesEverythingAsText(string hex)
    {
        var message = Convert.FromHexString(hex);

        var decoded = InboundDecoder.Decode(0x03, true, message, Gsm7Packing.Unpacked);

        Assert.That(decoded, Is.EqualTo(new InboundText(Encoding.Latin1.GetString(message), null)));
    }

    [Test]
    public void Decode_HeaderBytesWithoutUdhi_AreText()
    {
        var message = Convert.FromHexString("0500037A0302");

        Assert.That(InboundDecoder.Decode(0x03, false, message, Gsm7Packing.Unpacked).Concatenation, Is.Null);
    }

    [TestCase(0x00, "0001021B65", "@£$€")]
    [TestCase(0x01, "48656C6C6F", "Hello")]
    [TestCase(0x01, "41E9", "A?")] // IA5 is 7-bit
    [TestCase(0x03, "E9E8", "éè")]
    [TestCase(0x08, "0436D83DDE00", "ж\uD83D\uDE00")]
    [TestCase(0x08, "043600", "ж\uFFFD")] // a stray last octet
    [TestCase(0x02, "E941", "éA")]
    [TestCase(0x04, "E941", "éA")]
    [TestCase(0x05, "E941", "éA")] // other SMPP values: Latin-1
    [TestCase(0x10, "000102", "@£$")] // 23.038 general group, class 0 (flash), GSM 7-bit
    [TestCase(0x18, "0436", "ж")] // 23.038 general group, class 0, UCS-2
    [TestCase(0x14, "E9", "é")] // 23.038 general group, 8-bit
    [TestCase(0x34, "E9", "é")] // compressed: left as octets
    [TestCase(0xF0, "6869", "hi")] // data coding/message class, GSM 7-bit
    [TestCase(0xF4, "E9", "é")] // data coding/message class, 8-bit
    [TestCase(0x90, "E9", "é")] // reserved group
    public void Decode_EachDataCoding_UsesItsAlphabet(int dataCoding, string hex, string expected) =>
        Assert.That(InboundDecoder.Decode((byte)dataCoding, false, Convert.FromHexString(hex), Gsm7Packing.Unpacked).Text, Is.EqualTo(expected));

    [Test]
    public void Decode_PackedWithCrPadding_DropsThePadding()
    {
        var packed = Gsm7.Pack(Gsm7.ToSeptets("1234567"));

        Assert.That(InboundDecoder.Decode(0x00, false, packed, Gsm7Packing.Packed).Text, Is.EqualTo("1234567"));
    }

    [Test]
    public void Decode_PackedEndingInAtOnOctetBoundary_KeepsTheAt()
    {
        var packed = Gsm7.Pack(Gsm7.ToSeptets("abcdefg@"));

        Assert.That(InboundDecoder.Decode(0x00, false, packed, Gsm7Packing.Packed).Text, Is.EqualTo("abcdefg@"));
    }

    [Test]
    public void Decode_PackedEndingInCrOnOctetBoundary_DropsTheCrAsPadding()
    {
        // 23.038 §6.1.2.3.1: the receiver removes a final CR that ends the message on an octet boundary. The encoder
        // does not double such a CR, so this is the one packed text that does not come back whole.
        var packed = Gsm7.Pack(Gsm7.ToSeptets("abcdefg\r"));

        Assert.That(InboundDecoder.Decode(0x00, false, packed, Gsm7Packing.Packed).Text, Is.EqualTo("abcdefg"));
    }

    [Test]
    public void Decode_RandomBytes_NeverThrows()
    {
        var random = new Random(31337);
        for (var n = 0; n < 3000; n++)
        {
            var message = new byte[random.Next(0, 160)];
            random.NextBytes(message);
            if (message.Length > 0 && random.Next(2) == 0)
            {
                message[0] = (byte)random.Next(0, 12);
            }

            var dataCoding = (byte)random.Next(0, 256);
            var udhi = random.Next(2) == 0;
            var packing = random.Next(2) == 0 ? Gsm7Packing.Packed : Gsm7Packing.Unpacked;
            Assert.That(() => InboundDecoder.Decode(dataCoding, udhi, message, packing), Throws.Nothing, Convert.ToHexString(message));
        }
    }

    [Test]
    public void Join_PartsOutOfOrderWithARepeat_GivesTheMessage() =>
        Assert.That(Concatenation.Join([(3, "c"), (1, "a"), (2, "b"), (1, "a")]), Is.EqualTo("abc"));
}
