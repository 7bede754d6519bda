using Lisoloo.Sdk;
using Lisoloo.Server.Carriers.Smpp.Text;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>The GSM 03.38 tables and septet packing (3GPP TS 23.038 §6.1.2.1, §6.2.1).</summary>
[TestFixture]
public sealed class Gsm7Tests
{
    /// <summary>The extension table as 23.038 §6.2.1.1 lists it: code → character.</summary>
    private static readonly (byte Code, char Char)[] Extension =
    [
        (0x0A, '\f'), (0x14, '^'), (0x28, '{'), (0x29, '}'), (0x2F, '\\'),
        (0x3C, '['), (0x3D, '~'), (0x3E, ']'), (0x40, '|'), (0x65, '\u20AC'),
    ];

    [Test]
    public void FromSeptets_EveryBasicCode_RoundTripsThroughToSeptets()
    {
        var seen = new HashSet<char>();
        for (var code = 0; code < 0x80; code++)
        {
            if (code == Gsm7.Escape)
            {
                continue;
            }

            var text = Gsm7.FromSeptets([(byte)code]);
            Assert.That(text, Has.Length.EqualTo(1), $"code 0x{code:X2}");
            Assert.That(Gsm7.ToSeptets(text), Is.EqualTo(new[] { (byte)code }), $"code 0x{code:X2} ('{text}')");
            Assert.That(seen.Add(text[0]), Is.True, $"code 0x{code:X2} maps to a character of its own");
        }
    }

    [Test]
    public void ToSeptets_EveryExtensionChar_IsEscapePlusCodeAndRoundTrips()
    {
        foreach (var (code, c) in Extension)
        {
            Assert.That(Gsm7.ToSeptets(c.ToString()), Is.EqualTo(new[] { Gsm7.Escape, code }), $"U+{(int)c:X4}");
            Assert.That(Gsm7.FromSeptets([Gsm7.Escape, code]), Is.EqualTo(c.ToString()), $"code 0x{code:X2}");
        }
    }

    [TestCase("@", new byte[] { 0x00 })]
    [TestCase("£$¥", new byte[] { 0x01, 0x02, 0x03 })]
    [TestCase("Ç", new byte[] { 0x09 })]
    [TestCase("\n\r", new byte[] { 0x0A, 0x0D })]
    [TestCase("\u0394_\u03A9", new byte[] { 0x10, 0x11, 0x15 })]
    [TestCase("ÆæßÉ", new byte[] { 0x1C, 0x1D, 0x1E, 0x1F })]
    [TestCase("¤¡§¿à", new byte[] { 0x24, 0x40, 0x5F, 0x60, 0x7F })]
    [TestCase("€", new byte[] { 0x1B, 0x65 })]
    [TestCase("{a}", new byte[] { 0x1B, 0x28, 0x61, 0x1B, 0x29 })]
    [TestCase("a@b", new byte[] { 0x61, 0x00, 0x62 })]
    public void ToSeptets_KnownCharacters_GiveTheirCodes(string text, byte[] septets)
    {
        Assert.That(Gsm7.ToSeptets(text), Is.EqualTo(septets));
        Assert.That(Gsm7.FromSeptets(septets), Is.EqualTo(text));
    }

    [TestCase("ç")]
    [TestCase("\u2126")] // Ohm sign, the look-alike of Ω (U+03A9)
    [TestCase("\u001B")] // the escape is not a user character
    [TestCase("ok \uD83D\uDE00")]
    [TestCase("Привет")]
    public void ToSeptets_NonGsmCharacter_Throws(string text)
    {
        Assert.That(Gsm7.CanEncode(text), Is.False);
        Assert.That(() => Gsm7.ToSeptets(text), Throws.ArgumentException);
    }

    [Test]
    public void CanEncode_EveryUtf16Unit_AgreesWithTheBillingTable()
    {
        for (var i = 0; i <= char.MaxValue; i++)
        {
            var text = ((char)i).ToString();
            var billed = SmsSegments.GetSeptetLength((char)i);
            if (Gsm7.CanEncode(text) != (billed > 0) || (billed > 0 && Gsm7.ToSeptets(text).Length != billed))
            {
                Assert.Fail($"U+{i:X4}: billed {billed} septets, encoded {(Gsm7.CanEncode(text) ? Gsm7.ToSeptets(text).Length : 0)}");
            }
        }
    }

    [TestCase(new byte[] { 0x1B, 0x41 }, "A")] // undefined extension code: the basic character
    [TestCase(new byte[] { 0x1B, 0x1B, 0x61 }, " a")] // reserved escape-escape: a space
    [TestCase(new byte[] { 0x61, 0x1B }, "a ")] // lone trailing escape: a space
    [TestCase(new byte[] { 0xC1, 0xE1 }, "Aa")] // high bit ignored
    [TestCase(new byte[0], "")]
    public void FromSeptets_OddInput_DecodesWithoutThrowing(byte[] septets, string expected) =>
        Assert.That(Gsm7.FromSeptets(septets), Is.EqualTo(expected));

    [TestCase("hellohello", 0, "E8329BFD4697D9EC37")]
    [TestCase("12345678", 0, "31D98C56B3DD70")] // 8 septets fill 7 octets exactly
    [TestCase("1234567", 0, "31D98C56B3DD1A")] // 7 septets: the 7 spare bits hold a CR, not zeros ('@')
    [TestCase("abcdefg@", 0, "61F1985C369F01")] // a real trailing '@'
    [TestCase("value is 4.80", 1, "EC6176BD0C4ACF4134170E06")] // behind UDH 05 00 03 3A 02 02 in a captured SMS-DELIVER
    [TestCase("hello", 1, "D06536FB0D")] // behind a 6-octet UDH
    [TestCase("hello", 0, "E8329BFD06")] // behind a 7-octet UDH
    public void Pack_KnownVectors_GiveTheSpecOctets(string text, int fillBits, string hex)
    {
        var septets = Gsm7.ToSeptets(text);
        var packed = Gsm7.Pack(septets, fillBits);

        Assert.That(Convert.ToHexString(packed), Is.EqualTo(hex));
        Assert.That(Gsm7.FromSeptets(Gsm7.Unpack(packed, septets.Length, fillBits)), Is.EqualTo(text));
    }

    [Test]
    public void Unpack_SevenSeptetsWithCrPadding_ReadsTheCrOnlyWhenAskedForEight()
    {
        var packed = Convert.FromHexString("31D98C56B3DD1A");

        Assert.That(Gsm7.FromSeptets(Gsm7.Unpack(packed, 7)), Is.EqualTo("1234567"));
        Assert.That(Gsm7.FromSeptets(Gsm7.Unpack(packed, 8)), Is.EqualTo("1234567\r"));
    }

    [TestCase(0, 0)]
    [TestCase(6, 1)]
    [TestCase(7, 0)]
    [TestCase(12, 2)]
    public void FillBits_HeaderOctets_AlignTheFirstSeptet(int headerOctets, int fillBits) =>
        Assert.That(Gsm7.FillBits(headerOctets), Is.EqualTo(fillBits));

    [Test]
    public void Pack_RandomSeptets_RoundTripsForEveryFill()
    {
        var random = new Random(20260317);
        for (var n = 0; n < 400; n++)
        {
            var septets = new byte[random.Next(0, 200)];
            for (var i = 0; i < septets.Length; i++)
            {
                septets[i] = (byte)random.Next(0, 0x80);
            }

            for (var fill = 0; fill <= 6; fill++)
            {
                var packed = Gsm7.Pack(septets, fill);
                Assert.That(packed, Has.Length.EqualTo((fill + (7 * septets.Length) + 7) / 8));
                Assert.That(Gsm7.Unpack(packed, septets.Length, fill), Is.EqualTo(septets), $"sample {n}, fill {fill}");
            }
        }
    }

    [Test]
    public void Pack_InvalidArguments_Throw()
    {
        Assert.That(() => Gsm7.Pack([0x41], 7), Throws.InstanceOf<ArgumentOutOfRangeException>());
        Assert.That(() => Gsm7.Pack([0x80]), Throws.ArgumentException);
        Assert.That(() => Gsm7.Unpack([0x41], 2), Throws.InstanceOf<ArgumentOutOfRangeException>());
    }
}
