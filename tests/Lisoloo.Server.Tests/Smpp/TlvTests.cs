using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>The TLV factories and readers.</summary>
[TestFixture]
public sealed class TlvTests
{
    [Test]
    public void FromCString_Text_AppendsNul()
    {
        var tlv = Tlv.FromCString(TlvTag.ReceiptedMessageId, "ab1");

        Assert.That((tlv.Tag, tlv.Value), Is.EqualTo((TlvTag.ReceiptedMessageId, new byte[] { 0x61, 0x62, 0x31, 0x00 })));
        Assert.That(tlv.GetCString(), Is.EqualTo("ab1"));
    }

    [Test]
    public void FromCString_NonLatin1Character_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Tlv.FromCString(TlvTag.AdditionalStatusInfoText, "\u20AC"));
    }

    [TestCase(new byte[] { 0x61, 0x62 }, "ab")]
    [TestCase(new byte[] { 0x61, 0x00, 0x62, 0x00 }, "a")]
    [TestCase(new byte[0], "")]
    public void GetCString_ValueWithOrWithoutNul_ReadsUpToFirstNulOrEnd(byte[] value, string expected)
    {
        Assert.That(new Tlv(TlvTag.ReceiptedMessageId, value).GetCString(), Is.EqualTo(expected));
    }

    [Test]
    public void FromUInt16_Value_IsBigEndianAndReadsBack()
    {
        var tlv = Tlv.FromUInt16(TlvTag.SarMsgRefNum, 0xBEEF);

        Assert.That(tlv.Value, Is.EqualTo(new byte[] { 0xBE, 0xEF }));
        Assert.That(tlv.GetUInt16(), Is.EqualTo(0xBEEF));
    }

    [Test]
    public void FromByte_Value_ReadsBack()
    {
        Assert.That(Tlv.FromByte(TlvTag.MessageState, 5).GetByte(), Is.EqualTo(5));
    }

    [Test]
    public void FromBytes_Array_CopiesTheValue()
    {
        var source = new byte[] { 1, 2, 3 };

        var tlv = Tlv.FromBytes(TlvTag.MessagePayload, source);
        source[0] = 9;

        Assert.That(tlv.Value, Is.EqualTo(new byte[] { 1, 2, 3 }));
    }

    [Test]
    public void FromBytes_ValueLongerThan65535_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => Tlv.FromBytes(TlvTag.MessagePayload, new byte[65_536]));
    }

    [Test]
    public void GetByteAndGetUInt16_WrongLength_ThrowAndTryVariantsReturnFalse()
    {
        var three = new Tlv(TlvTag.NetworkErrorCode, [3, 0, 1]);

        Assert.Throws<InvalidOperationException>(() => three.GetByte());
        Assert.Throws<InvalidOperationException>(() => three.GetUInt16());
        Assert.That(three.TryGetByte(out _) || three.TryGetUInt16(out _), Is.False);
        Assert.That(default(Tlv).TryGetByte(out _), Is.False, "a default TLV has no value");
    }
}
