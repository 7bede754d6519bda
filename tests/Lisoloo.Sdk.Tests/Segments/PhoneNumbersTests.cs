namespace Lisoloo.Sdk.Tests.Segments;

public sealed class PhoneNumbersTests
{
    [TestCase("+243 998 857 000", "+243998857000")]
    [TestCase("+243998857000", "+243998857000")]
    [TestCase("+1 (415) 555-0100", "+14155550100")]
    [TestCase("+33.6.12.34.56.78", "+33612345678")]
    [TestCase("+44-20-7946-0958", "+442079460958")]
    [TestCase("+243\u00A0998\u00A0857\u00A0000", "+243998857000")]
    [TestCase("  +243 998 857 000  ", "+243998857000")]
    [TestCase("(+243) 998857000", "+243998857000")]
    [TestCase("+12345678", "+12345678")]
    [TestCase("+123456789012345", "+123456789012345")]
    public void TryNormalize_ValidInput_ReturnsE164(string input, string expected)
    {
        bool ok = PhoneNumbers.TryNormalize(input, out string e164);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.True);
            Assert.That(e164, Is.EqualTo(expected));
            Assert.That(PhoneNumbers.Normalize(input), Is.EqualTo(expected));
        });
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("+")]
    [TestCase("243998857000")]
    [TestCase("00243998857000")]
    [TestCase("+1234567")]
    [TestCase("+1234567890123456")]
    [TestCase("+243 99885700A")]
    [TestCase("+243-call-me")]
    [TestCase("+0243998857000")]
    [TestCase("+ 0 243998857000")]
    [TestCase("+243+998857000")]
    [TestCase("243+998857000")]
    [TestCase("+243\t998857000")]
    [TestCase("+243/998857000")]
    [TestCase("+\u0662\u0664\u0663998857000")]
    [TestCase("\uFF0B243998857000")]
    public void TryNormalize_InvalidInput_ReturnsFalseAndEmpty(string? input)
    {
        bool ok = PhoneNumbers.TryNormalize(input, out string e164);

        Assert.Multiple(() =>
        {
            Assert.That(ok, Is.False);
            Assert.That(e164, Is.Empty);
        });
    }

    [Test]
    public void TryNormalize_AlreadyNormalized_ReturnsSameInstance()
    {
        const string input = "+243998857000";

        PhoneNumbers.TryNormalize(input, out string e164);

        Assert.That(e164, Is.SameAs(input));
    }

    [Test]
    public void Normalize_Invalid_ThrowsArgumentException()
    {
        Assert.That(() => PhoneNumbers.Normalize("998857000"), Throws.ArgumentException.With.Property("ParamName").EqualTo("input"));
    }

    [Test]
    public void Normalize_Null_ThrowsArgumentNullException()
    {
        Assert.That(() => PhoneNumbers.Normalize(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void NormalizeAll_DuplicatesAfterNormalisation_CountedOnceInFirstSeenOrder()
    {
        var batch = PhoneNumbers.NormalizeAll(["+243 998 857 000", "+1 (415) 555-0100", "+243-998-857-000", "+243998857000", "+14155550100"]);

        Assert.Multiple(() =>
        {
            Assert.That(batch.Numbers, Is.EqualTo(new[] { "+243998857000", "+14155550100" }));
            Assert.That(batch.DuplicatesRemoved, Is.EqualTo(3));
            Assert.That(batch.InvalidIndexes, Is.Empty);
            Assert.That(batch.AllValid, Is.True);
        });
    }

    [Test]
    public void NormalizeAll_InvalidEntries_ReportsTheirIndexes()
    {
        var batch = PhoneNumbers.NormalizeAll(["+243998857000", "998857000", null, "+243998857000", "+0123456789"]);

        Assert.Multiple(() =>
        {
            Assert.That(batch.Numbers, Is.EqualTo(new[] { "+243998857000" }));
            Assert.That(batch.InvalidIndexes, Is.EqualTo(new[] { 1, 2, 4 }));
            Assert.That(batch.DuplicatesRemoved, Is.EqualTo(1));
            Assert.That(batch.AllValid, Is.False);
        });
    }

    [Test]
    public void NormalizeAll_Empty_ReturnsEmptyBatch()
    {
        var batch = PhoneNumbers.NormalizeAll([]);

        Assert.Multiple(() =>
        {
            Assert.That(batch.Numbers, Is.Empty);
            Assert.That(batch.InvalidIndexes, Is.Empty);
            Assert.That(batch.DuplicatesRemoved, Is.Zero);
        });
    }

    [Test]
    public void NormalizeAll_Null_ThrowsArgumentNullException()
    {
        Assert.That(() => PhoneNumbers.NormalizeAll(null!), Throws.ArgumentNullException);
    }
}
