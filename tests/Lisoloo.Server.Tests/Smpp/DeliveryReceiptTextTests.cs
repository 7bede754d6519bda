using Lisoloo.Server.Carriers.Smpp.Text;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>Delivery receipt text (SMPP 3.4 Appendix B) as SMSCs write it.</summary>
[TestFixture]
public sealed class DeliveryReceiptTextTests
{
    private static DateTimeOffset Utc(int year, int month, int day, int hour, int minute, int second = 0) =>
        new(year, month, day, hour, minute, second, TimeSpan.Zero);

    [Test]
    public void TryParse_SpecExample_ReadsEveryField()
    {
        const string text = "id:0123456789 sub:001 dlvrd:001 submit date:0610191018 done date:0610191019 stat:DELIVRD err:000 Text:Hello world";

        Assert.That(DeliveryReceiptText.TryParse(text, out var receipt), Is.True);
        Assert.That(receipt, Is.EqualTo(new DeliveryReceipt(
            "0123456789", "DELIVRD", "000", 1, 1, Utc(2006, 10, 19, 10, 18), Utc(2006, 10, 19, 10, 19), "Hello world")));
    }

    [Test]
    public void TryParse_SpecTemplate_KeepsWhatReadsAndNullsTheRest()
    {
        const string text = "id:IIIIIIIIII sub:SSS dlvrd:DDD submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DDDDDDD err:E Text: . . . . . . . . .";

        Assert.That(DeliveryReceiptText.TryParse(text, out var receipt), Is.True);
        Assert.That(receipt, Is.EqualTo(new DeliveryReceipt("IIIIIIIIII", "DDDDDDD", "E", null, null, null, null, ". . . . . . . . .")));
    }

    [Test]
    public void TryParse_LowerAndUpperCaseKeys_AreTheSame()
    {
        const string lower = "id:abc sub:1 dlvrd:0 submit date:2401011200 done date:2401011201 stat:undeliv err:012 text:x";
        const string upper = "ID:abc SUB:1 DLVRD:0 SUBMIT DATE:2401011200 DONE DATE:2401011201 STAT:undeliv ERR:012 TEXT:x";

        Assert.That(DeliveryReceiptText.TryParse(lower, out var a) && DeliveryReceiptText.TryParse(upper, out var b) && a == b, Is.True);
        Assert.That(a!.Stat, Is.EqualTo("undeliv"), "kept as written");
    }

    [TestCase("40072910491427628")]
    [TestCase("0A1B2C3D")]
    [TestCase("c1d4b0f2-7e3a-4b7e-9a4e-3f1c2b6d8e9a")]
    public void TryParse_AnyIdShape_KeepsTheIdAsWritten(string id)
    {
        Assert.That(DeliveryReceiptText.TryParse($"id:{id} sub:001 dlvrd:001 stat:DELIVRD err:000", out var receipt), Is.True);
        Assert.That(receipt!.Id, Is.EqualTo(id));
    }

    [Test]
    public void TryParse_TwelveDigitDates_IncludeSeconds()
    {
        const string text = "id:64567564356765435676 sub:001 dlvrd:001 submit date:190608165232 done date:190608165237 stat:DELIVRD err:000 text:Hello World";

        Assert.That(DeliveryReceiptText.TryParse(text, out var receipt), Is.True);
        Assert.That((receipt!.SubmitDate, receipt.DoneDate), Is.EqualTo((Utc(2019, 6, 8, 16, 52, 32), Utc(2019, 6, 8, 16, 52, 37))));
    }

    [Test]
    public void TryParse_OnlyIdAndStat_LeavesTheRestNull()
    {
        Assert.That(DeliveryReceiptText.TryParse("id:77 stat:EXPIRED", out var receipt), Is.True);
        Assert.That(receipt, Is.EqualTo(new DeliveryReceipt("77", "EXPIRED", null, null, null, null, null, null)));
    }

    [Test]
    public void TryParse_OddSpacingExtraFieldsAndOtherOrder_StillReads()
    {
        const string text = "  stat: UNDELIV  id:  77   sub:001 foo:bar dlvrd:000 submit_date:2401011200 done  date:2401011201 err:012 Text:  first words  \0\0";

        Assert.That(DeliveryReceiptText.TryParse(text, out var receipt), Is.True);
        Assert.That(receipt, Is.EqualTo(new DeliveryReceipt(
            "77", "UNDELIV", "012", 1, 0, Utc(2024, 1, 1, 12, 0), Utc(2024, 1, 1, 12, 1), "first words")));
    }

    [Test]
    public void TryParse_KeysInsideText_BelongToTheText()
    {
        Assert.That(DeliveryReceiptText.TryParse("id:5 stat:DELIVRD err:000 text:stat:FAILED id:9", out var receipt), Is.True);
        Assert.That((receipt!.Id, receipt.Stat, receipt.Text), Is.EqualTo(("5", "DELIVRD", "stat:FAILED id:9")));
    }

    [Test]
    public void TryParse_UnreadableDateAndCount_AreNullNotFailure()
    {
        Assert.That(DeliveryReceiptText.TryParse("id:5 sub:x1 submit date:2413991299 stat:DELIVRD", out var receipt), Is.True);
        Assert.That((receipt!.Submitted, receipt.SubmitDate), Is.EqualTo(((int?)null, (DateTimeOffset?)null)));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("Hello, are you there?")]
    [TestCase("id: stat:DELIVRD")] // empty id
    [TestCase("id:123 sub:001 dlvrd:001")] // no stat
    [TestCase("stat:DELIVRD err:000")] // no id
    [TestCase("msgid:123 stat:DELIVRD")] // 'id' inside another word is not the key
    [TestCase("text:id:1 stat:DELIVRD")] // everything is text
    public void TryParse_NotAReceipt_ReturnsFalse(string? text)
    {
        Assert.That(DeliveryReceiptText.TryParse(text, out var receipt), Is.False);
        Assert.That(receipt, Is.Null);
    }
}
