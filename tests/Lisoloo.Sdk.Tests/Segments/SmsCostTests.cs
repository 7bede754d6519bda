using System.Globalization;

namespace Lisoloo.Sdk.Tests.Segments;

public sealed class SmsCostTests
{
    [TestCase(1, 1, 1, "0.02", "0.02")]
    [TestCase(3, 2, 4, "0.015", "0.360")]
    [TestCase(1000, 10, 93, "0.0175", "16275.0000")]
    [TestCase(0, 1, 1, "0.02", "0")]
    [TestCase(5, 1, 1, "0", "0")]
    public void Estimate_Counts_ReturnsExactProduct(int recipients, int segments, int occurrences, string unitPrice, string expected)
    {
        decimal cost = SmsCost.Estimate(recipients, segments, occurrences, decimal.Parse(unitPrice, CultureInfo.InvariantCulture));

        Assert.That(cost, Is.EqualTo(decimal.Parse(expected, CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Estimate_TenthsOfACent_HasNoFloatingPointError()
    {
        Assert.That(SmsCost.Estimate(3, 1, 1, 0.1m), Is.EqualTo(0.3m));
    }

    [TestCase(-1, 1, 1, 1, "recipients")]
    [TestCase(1, -1, 1, 1, "segments")]
    [TestCase(1, 1, -1, 1, "occurrences")]
    [TestCase(1, 1, 1, -1, "unitPrice")]
    public void Estimate_NegativeArgument_ThrowsArgumentOutOfRange(int recipients, int segments, int occurrences, int unitPrice, string name)
    {
        Assert.That(
            () => SmsCost.Estimate(recipients, segments, occurrences, unitPrice),
            Throws.TypeOf<ArgumentOutOfRangeException>().With.Property("ParamName").EqualTo(name));
    }

    [Test]
    public void Estimate_TooManyMessages_ThrowsOverflow()
    {
        Assert.That(() => SmsCost.Estimate(100_000, 100_000, 1, 1m), Throws.TypeOf<OverflowException>());
    }

    [Test]
    public void Estimate_SendWithDuplicatesAndMultipartText_CountsLikeTheServer()
    {
        string message = new string('a', 161);

        var estimate = SmsCost.Estimate(["+243 998 857 000", "+243998857000", "+1 (415) 555-0100"], message, 3, 0.02m);

        Assert.Multiple(() =>
        {
            Assert.That(estimate.TotalRecipients, Is.EqualTo(2));
            Assert.That(estimate.Segments, Is.EqualTo(2));
            Assert.That(estimate.Encoding, Is.EqualTo(SmsEncoding.Gsm7));
            Assert.That(estimate.Occurrences, Is.EqualTo(3));
            Assert.That(estimate.TotalMessages, Is.EqualTo(12));
            Assert.That(estimate.TotalCost, Is.EqualTo(0.24m));
        });
    }

    [Test]
    public void Estimate_Ucs2Message_ReportsUcs2AndItsSegments()
    {
        var estimate = SmsCost.Estimate(["+243998857000"], new string('\u0436', 71), 1, 0.05m);

        Assert.Multiple(() =>
        {
            Assert.That(estimate.Encoding, Is.EqualTo(SmsEncoding.Ucs2));
            Assert.That(estimate.Segments, Is.EqualTo(2));
            Assert.That(estimate.TotalCost, Is.EqualTo(0.10m));
        });
    }

    [Test]
    public void Estimate_InvalidRecipient_ThrowsArgumentExceptionNamingIndex()
    {
        Assert.That(
            () => SmsCost.Estimate(["+243998857000", "12345"], "Hi", 1, 0.02m),
            Throws.ArgumentException.With.Property("ParamName").EqualTo("to").And.Message.Contains("1"));
    }

    [Test]
    public void Estimate_EmptyMessage_ThrowsArgumentException()
    {
        Assert.That(() => SmsCost.Estimate(["+243998857000"], string.Empty, 1, 0.02m), Throws.ArgumentException);
    }

    [Test]
    public void Estimate_NullArguments_ThrowArgumentNullException()
    {
        Assert.Multiple(() =>
        {
            Assert.That(() => SmsCost.Estimate(null!, "Hi", 1, 0.02m), Throws.ArgumentNullException);
            Assert.That(() => SmsCost.Estimate(["+243998857000"], null!, 1, 0.02m), Throws.ArgumentNullException);
        });
    }
}
