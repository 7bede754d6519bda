using Lisoloo.Server.Carriers.Smpp.Text;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>Matching <c>submit_sm_resp</c> ids with receipt ids across hex, decimal, case and leading zeros.</summary>
[TestFixture]
public sealed class SmscMessageIdTests
{
    [TestCase("0A1B", "a1b")]
    [TestCase("  00AbC ", "abc")]
    [TestCase("0000", "0")]
    [TestCase("0000123", "123")]
    [TestCase("ABC-DEF", "abc-def")]
    [TestCase("007-x", "007-x")] // not all hex digits: zeros kept
    [TestCase("", "")]
    public void Normalize_Id_TrimsLowerCasesAndStripsHexZeros(string id, string normalized) =>
        Assert.That(SmscMessageId.Normalize(id), Is.EqualTo(normalized));

    [TestCase("0A1B", new[] { "a1b", "2587" })]
    [TestCase("6683", new[] { "6683", "1a1b", "26243" })]
    [TestCase("abc-def", new[] { "abc-def" })]
    [TestCase("0000123", new[] { "123", "7b", "291" })]
    [TestCase("0", new[] { "0" })]
    [TestCase("99999999999999999999", new[] { "99999999999999999999" })] // above 2^64 either way
    public void Candidates_ReceiptId_GivesNormalizedThenHexThenDecimal(string receiptId, string[] candidates) =>
        Assert.That(SmscMessageId.Candidates(receiptId), Is.EqualTo(candidates));

    [TestCase("0A1B", "2587")] // hex at submit, decimal in the receipt
    [TestCase("2587", "00000A1B")] // decimal at submit, zero-padded upper-case hex in the receipt
    [TestCase("C0FFEE", "c0ffee")]
    public void Candidates_SameMessageWrittenTwoWays_IncludeTheStoredId(string submitResponseId, string receiptId) =>
        Assert.That(SmscMessageId.Candidates(receiptId), Does.Contain(SmscMessageId.Normalize(submitResponseId)));
}
