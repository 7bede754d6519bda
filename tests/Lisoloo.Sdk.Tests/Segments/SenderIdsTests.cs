namespace Lisoloo.Sdk.Tests.Segments;

public sealed class SenderIdsTests
{
    [TestCase("MYAPP")]
    [TestCase("A")]
    [TestCase("Shop 24")]
    [TestCase("ABCDEFGHIJK")]
    [TestCase("Lisoloo2026")]
    [TestCase("A B")]
    [TestCase("1")]
    [TestCase("243998857000")]
    [TestCase("123456789012345")]
    public void IsValid_AcceptedForm_ReturnsTrue(string senderId)
    {
        Assert.That(SenderIds.IsValid(senderId), Is.True);
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase(" ")]
    [TestCase("   ")]
    [TestCase("ABCDEFGHIJKL")]
    [TestCase("1234567890123456")]
    [TestCase("+243998857000")]
    [TestCase(" MYAPP")]
    [TestCase("MYAPP ")]
    [TestCase("MY-APP")]
    [TestCase("MY_APP")]
    [TestCase("Café")]
    [TestCase("\u0416\u0416")]
    [TestCase("123 456")]
    [TestCase("MY\tAPP")]
    [TestCase("\u0661\u0662\u0663")]
    public void IsValid_RefusedForm_ReturnsFalse(string? senderId)
    {
        Assert.That(SenderIds.IsValid(senderId), Is.False);
    }
}
