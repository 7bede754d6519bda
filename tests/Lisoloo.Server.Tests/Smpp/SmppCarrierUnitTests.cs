using System.Text;
using Lisoloo.Server.Carriers.Smpp;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>The adapter's pure decisions: sender TON/NPI, validity period, receipt reading.</summary>
[TestFixture]
public sealed class SmppCarrierUnitTests
{
    [TestCase(null, 0, 0, "")]
    [TestCase("Lisoloo", 5, 0, "Lisoloo")]
    [TestCase("Shop 24", 5, 0, "Shop 24")]
    [TestCase("12345", 3, 0, "12345")]
    [TestCase("+243990000100", 1, 1, "243990000100")]
    [TestCase("243990000100", 1, 1, "243990000100")]
    public void Sender_ids_get_the_ton_and_npi_of_their_kind(string? sender, int ton, int npi, string address)
    {
        Assert.That(SmppCarrier.SourceAddress(sender), Is.EqualTo(((byte)ton, (byte)npi, address)));
    }

    [Test]
    public void Validity_period_is_written_as_an_smpp_relative_time()
    {
        Assert.Multiple(() =>
        {
            Assert.That(SmppCarrier.RelativeTime(TimeSpan.FromHours(26) + TimeSpan.FromMinutes(3) + TimeSpan.FromSeconds(4)), Is.EqualTo("000001020304000R"));
            Assert.That(SmppCarrier.RelativeTime(TimeSpan.FromMinutes(90)), Is.EqualTo("000000013000000R"));
        });
    }

    [Test]
    public void A_receipt_with_tlvs_takes_its_id_and_state_from_them_and_its_words_from_the_text()
    {
        var pdu = new DeliverSmPdu
        {
            EsmClass = 0x04,
            ShortMessage = Encoding.ASCII.GetBytes("id:0000FF sub:001 dlvrd:000 submit date:2611231200 done date:2611231201 stat:UNDELIV err:034 text:Hi"),
        };
        pdu.Tlvs.Add(Tlv.FromCString(TlvTag.ReceiptedMessageId, "00ff"));
        pdu.Tlvs.Add(Tlv.FromByte(TlvTag.MessageState, 5));

        var receipt = SmppCarrier.ReadReceipt(pdu);

        Assert.That(receipt, Is.Not.Null);
        Assert.Multiple(() =>
        {
            Assert.That(receipt!.Candidates[0], Is.EqualTo("ff"), "normalised: lower case, leading zeros dropped");
            Assert.That(receipt.Candidates, Does.Contain("255"), "the decimal form too");
            Assert.That(receipt.State, Is.EqualTo("undelivered"));
            Assert.That(receipt.Detail, Is.EqualTo("stat:UNDELIV err:034"));
        });
    }

    [Test]
    public void A_text_only_receipt_is_read_and_one_without_an_id_or_state_is_refused()
    {
        var textOnly = new DeliverSmPdu { EsmClass = 0x04, ShortMessage = Encoding.ASCII.GetBytes("ID:42 SUB:001 DLVRD:001 SUBMIT DATE:2611231200 DONE DATE:2611231201 STAT:DELIVRD ERR:000") };
        var garbage = new DeliverSmPdu { EsmClass = 0x04, ShortMessage = Encoding.ASCII.GetBytes("hello there") };
        var unknownStat = new DeliverSmPdu { EsmClass = 0x04, ShortMessage = Encoding.ASCII.GetBytes("id:42 stat:WHATEVER err:000") };

        var receipt = SmppCarrier.ReadReceipt(textOnly);
        Assert.Multiple(() =>
        {
            Assert.That(receipt?.State, Is.EqualTo("delivered"));
            Assert.That(receipt?.Candidates, Is.EqualTo(new[] { "42", "2a", "66" }));
            Assert.That(SmppCarrier.ReadReceipt(garbage), Is.Null);
            Assert.That(SmppCarrier.ReadReceipt(unknownStat), Is.Null);
        });
    }
}
