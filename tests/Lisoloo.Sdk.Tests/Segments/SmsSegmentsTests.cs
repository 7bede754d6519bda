using System.Text;

namespace Lisoloo.Sdk.Tests.Segments;

public sealed class SmsSegmentsTests
{
    private const string Cyr = "\u0436"; // 'ж': BMP, outside GSM-7
    private const string Emoji = "\U0001F600"; // 😀: a surrogate pair
    private const string Euro = "\u20AC"; // extension table: 2 septets
    private const string ExtensionChars = "\f^{}\\[~]|\u20AC";

    // Each case hand-checked: text, encoding, segments, units.
    private static IEnumerable<TestCaseData> CountCases()
    {
        // GSM-7 plain
        yield return Case("empty", string.Empty, "gsm7", 0, 0);
        yield return Case("1 char", "a", "gsm7", 1, 1);
        yield return Case("153 a", R("a", 153), "gsm7", 1, 153);
        yield return Case("160 a", R("a", 160), "gsm7", 1, 160);
        yield return Case("161 a", R("a", 161), "gsm7", 2, 161);
        yield return Case("306 a", R("a", 306), "gsm7", 2, 306);
        yield return Case("307 a", R("a", 307), "gsm7", 3, 307);
        yield return Case("459 a", R("a", 459), "gsm7", 3, 459);
        yield return Case("460 a", R("a", 460), "gsm7", 4, 460);
        yield return Case("1530 a", R("a", 1530), "gsm7", 10, 1530);
        yield return Case("1531 a", R("a", 1531), "gsm7", 11, 1531);
        yield return Case("160 LF", R("\n", 160), "gsm7", 1, 160);
        yield return Case("CRLF", "\r\n", "gsm7", 1, 2);
        yield return Case("text with CRLF", "Hello\r\nWorld", "gsm7", 1, 12);
        yield return Case("basic specials row 1-2", "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ", "gsm7", 1, 29);
        yield return Case("basic specials row 3-8", "¤¡¿ÄÖÑÜ§äöñüà", "gsm7", 1, 13);
        yield return Case("upper C cedilla", "Ç", "gsm7", 1, 1);
        yield return Case("159 a + e acute", R("a", 159) + "é", "gsm7", 1, 160);

        // GSM-7 extension table: two septets each
        yield return Case("form feed", "\f", "gsm7", 1, 2);
        yield return Case("all extension chars", ExtensionChars, "gsm7", 1, 20);
        yield return Case("80 euro", R(Euro, 80), "gsm7", 1, 160);
        yield return Case("81 euro", R(Euro, 81), "gsm7", 2, 162);
        yield return Case("80 braces", R("{}", 40), "gsm7", 1, 160);
        yield return Case("81 pipes", R("|", 81), "gsm7", 2, 162);
        yield return Case("153 euro", R(Euro, 153), "gsm7", 3, 306); // 76 + 76 + 1 per part
        yield return Case("158 a + euro", R("a", 158) + Euro, "gsm7", 1, 160);
        yield return Case("159 a + euro", R("a", 159) + Euro, "gsm7", 2, 161);
        yield return Case("151 a + euro + 153 a", R("a", 151) + Euro + R("a", 153), "gsm7", 2, 306);
        yield return Case("152 a + euro + 151 a", R("a", 152) + Euro + R("a", 151), "gsm7", 2, 305);
        yield return Case("152 a + euro + 152 a (pair moves)", R("a", 152) + Euro + R("a", 152), "gsm7", 3, 306);

        // UCS-2
        yield return Case("lowercase c cedilla", "ç", "ucs2", 1, 1);
        yield return Case("phrase with c cedilla", "Ça va? ça va.", "ucs2", 1, 13);
        yield return Case("a acute", "á", "ucs2", 1, 1);
        yield return Case("backtick", "`", "ucs2", 1, 1);
        yield return Case("escape code itself", "\u001B", "ucs2", 1, 1);
        yield return Case("tab", "a\tb", "ucs2", 1, 3);
        yield return Case("greek capital alpha", "\u0391", "ucs2", 1, 1);
        yield return Case("decomposed e acute", "e\u0301", "ucs2", 1, 2);
        yield return Case("70 cyr", R(Cyr, 70), "ucs2", 1, 70);
        yield return Case("71 cyr", R(Cyr, 71), "ucs2", 2, 71);
        yield return Case("134 cyr", R(Cyr, 134), "ucs2", 2, 134);
        yield return Case("135 cyr", R(Cyr, 135), "ucs2", 3, 135);
        yield return Case("201 cyr", R(Cyr, 201), "ucs2", 3, 201);
        yield return Case("202 cyr", R(Cyr, 202), "ucs2", 4, 202);
        yield return Case("cyr + 69 a", Cyr + R("a", 69), "ucs2", 1, 70);
        yield return Case("cyr + 70 a", Cyr + R("a", 70), "ucs2", 2, 71);
        yield return Case("emoji", Emoji, "ucs2", 1, 2);
        yield return Case("35 emoji", R(Emoji, 35), "ucs2", 1, 70);
        yield return Case("36 emoji", R(Emoji, 36), "ucs2", 2, 72); // 33 + 3 per part
        yield return Case("65 cyr + emoji + 67 cyr", R(Cyr, 65) + Emoji + R(Cyr, 67), "ucs2", 2, 134);
        yield return Case("66 cyr + emoji + 66 cyr (pair moves)", R(Cyr, 66) + Emoji + R(Cyr, 66), "ucs2", 3, 134);
        yield return Case("extension chars cost 1 in ucs2", Cyr + Euro, "ucs2", 1, 2);
        yield return Case("69 euro + cyr", R(Euro, 69) + Cyr, "ucs2", 1, 70);
        yield return Case("70 euro + cyr", R(Euro, 70) + Cyr, "ucs2", 2, 71);
        yield return Case("ZWJ family", "\U0001F468\u200D\U0001F469\u200D\U0001F467", "ucs2", 1, 8);
    }

    [TestCaseSource(nameof(CountCases))]
    public void Count_HandCheckedText_ReturnsEncodingSegmentsAndUnits(string text, string encoding, int segments, int units)
    {
        var info = SmsSegments.Count(text);

        Assert.Multiple(() =>
        {
            Assert.That(info.Encoding, Is.EqualTo(new SmsEncoding(encoding)));
            Assert.That(info.Segments, Is.EqualTo(segments));
            Assert.That(info.Units, Is.EqualTo(units));
            Assert.That(SmsSegments.Split(text), Has.Count.EqualTo(segments));
            Assert.That(SmsSegments.IsGsm7(text), Is.EqualTo(encoding == "gsm7"));
        });
    }

    [Test]
    public void CountCases_Table_HasAtLeastFortyCases()
    {
        Assert.That(CountCases().Count(), Is.GreaterThanOrEqualTo(40));
    }

    [TestCase("", 160, 160)]
    [TestCase("a", 160, 159)]
    [TestCase("aaaaaaaaaa", 160, 150)]
    public void Count_SinglePartGsm_ReportsSinglePartCapacity(string text, int perSegment, int remaining)
    {
        var info = SmsSegments.Count(text);

        Assert.Multiple(() =>
        {
            Assert.That(info.UnitsPerSegment, Is.EqualTo(perSegment));
            Assert.That(info.RemainingInSegment, Is.EqualTo(remaining));
        });
    }

    [Test]
    public void Count_MultipartGsm_Reports153PerPartAndRemainingInLastPart()
    {
        var info = SmsSegments.Count(R("a", 161));

        Assert.Multiple(() =>
        {
            Assert.That(info.UnitsPerSegment, Is.EqualTo(153));
            Assert.That(info.RemainingInSegment, Is.EqualTo(145)); // 306 - 161
        });
    }

    [Test]
    public void Count_EscapePairMovedToNextPart_RemainingCountsFromActualLastPart()
    {
        // Parts: 152 | euro + 151 | 1 => last part holds 1 septet.
        var info = SmsSegments.Count(R("a", 152) + Euro + R("a", 152));

        Assert.That(info.RemainingInSegment, Is.EqualTo(152));
    }

    [Test]
    public void Count_Ucs2_Reports70Then67PerPart()
    {
        var single = SmsSegments.Count(R(Cyr, 10));
        var multi = SmsSegments.Count(R(Cyr, 71));

        Assert.Multiple(() =>
        {
            Assert.That(single.UnitsPerSegment, Is.EqualTo(70));
            Assert.That(single.RemainingInSegment, Is.EqualTo(60));
            Assert.That(multi.UnitsPerSegment, Is.EqualTo(67));
            Assert.That(multi.RemainingInSegment, Is.EqualTo(63));
        });
    }

    [Test]
    public void Count_Gsm7Text_HasNoNonGsmCharacters()
    {
        Assert.That(SmsSegments.Count("Hello {world} \u20AC 100").NonGsmCharacters, Is.Empty);
    }

    [Test]
    public void Count_Ucs2Text_ListsDistinctNonGsmCharactersInFirstSeenOrder()
    {
        var info = SmsSegments.Count("a" + Cyr + "b" + Emoji + "c" + Cyr + "d" + Emoji + Euro + "ç");

        Assert.That(info.NonGsmCharacters, Is.EqualTo(new[] { Cyr, Emoji, "ç" }));
    }

    [Test]
    public void Count_CombiningMark_ListsWholeTextElement()
    {
        var info = SmsSegments.Count("Cafe\u0301");

        Assert.That(info.NonGsmCharacters, Is.EqualTo(new[] { "e\u0301" }));
    }

    [Test]
    public void Count_ZwjEmojiSequence_ListsOneTextElement()
    {
        const string family = "\U0001F468\u200D\U0001F469\u200D\U0001F467";

        var info = SmsSegments.Count("Hi " + family);

        Assert.That(info.NonGsmCharacters, Is.EqualTo(new[] { family }));
    }

    [Test]
    public void Count_Null_Throws()
    {
        Assert.That(() => SmsSegments.Count(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void GetSeptetLength_AllChars_Has127BasicAnd10ExtensionCharacters()
    {
        int basic = 0;
        int extension = 0;
        for (int c = char.MinValue; c <= char.MaxValue; c++)
        {
            switch (SmsSegments.GetSeptetLength((char)c))
            {
                case 1: basic++; break;
                case 2: extension++; break;
            }
        }

        Assert.Multiple(() =>
        {
            Assert.That(basic, Is.EqualTo(127)); // 128 positions minus the escape 0x1B
            Assert.That(extension, Is.EqualTo(10));
        });
    }

    [TestCase('@', 1)]
    [TestCase('\n', 1)]
    [TestCase('\r', 1)]
    [TestCase('Ç', 1)]
    [TestCase('Ω', 1)]
    [TestCase('\u20AC', 2)]
    [TestCase('\f', 2)]
    [TestCase('^', 2)]
    [TestCase('\\', 2)]
    [TestCase('\u001B', 0)]
    [TestCase('ç', 0)]
    [TestCase('`', 0)]
    [TestCase('\u00A0', 0)]
    public void GetSeptetLength_Char_ReturnsTableLength(char c, int expected)
    {
        Assert.That(SmsSegments.GetSeptetLength(c), Is.EqualTo(expected));
    }

    [Test]
    public void Split_Empty_ReturnsNoParts()
    {
        Assert.That(SmsSegments.Split(string.Empty), Is.Empty);
    }

    [Test]
    public void Split_FitsInOneSms_ReturnsTextAsSinglePart()
    {
        string text = R("a", 158) + Euro;

        Assert.That(SmsSegments.Split(text), Is.EqualTo(new[] { text }));
    }

    [Test]
    public void Split_EscapePairOnBoundary_MovesPairWholeToNextPart()
    {
        var parts = SmsSegments.Split(R("a", 152) + Euro + R("a", 152));

        Assert.Multiple(() =>
        {
            Assert.That(parts, Has.Count.EqualTo(3));
            Assert.That(parts[0], Is.EqualTo(R("a", 152)));
            Assert.That(parts[1], Is.EqualTo(Euro + R("a", 151)));
            Assert.That(parts[2], Is.EqualTo("a"));
            Assert.That(parts.Select(Septets), Has.All.LessThanOrEqualTo(153));
        });
    }

    [Test]
    public void Split_EscapePairsOnly_FillsPartsWith76Pairs()
    {
        var parts = SmsSegments.Split(R(Euro, 81));

        Assert.Multiple(() =>
        {
            Assert.That(parts, Has.Count.EqualTo(2));
            Assert.That(parts[0], Is.EqualTo(R(Euro, 76)));
            Assert.That(parts[1], Is.EqualTo(R(Euro, 5)));
        });
    }

    [Test]
    public void Split_SurrogatePairOnBoundary_MovesPairWholeToNextPart()
    {
        var parts = SmsSegments.Split(R(Cyr, 66) + Emoji + R(Cyr, 66));

        Assert.Multiple(() =>
        {
            Assert.That(parts, Has.Count.EqualTo(3));
            Assert.That(parts[0], Is.EqualTo(R(Cyr, 66)));
            Assert.That(parts[1], Is.EqualTo(Emoji + R(Cyr, 65)));
            Assert.That(parts[2], Is.EqualTo(Cyr));
        });
    }

    [Test]
    public void Split_Null_Throws()
    {
        Assert.That(() => SmsSegments.Split(null!), Throws.ArgumentNullException);
    }

    [Test]
    public void Split_RandomTexts_PartsRejoinFitAndAreFilledGreedily()
    {
        string[] alphabet = ["a", "Z", " ", "\r\n", "é", Euro, "{", "\f", "|", Cyr, Emoji, "1"];
        var random = new Random(20260601);
        for (int run = 0; run < 400; run++)
        {
            // Mostly GSM-7, sometimes with a UCS-2 character, lengths across several parts.
            bool allowUcs2 = run % 3 == 0;
            int length = random.Next(0, 700);
            var builder = new StringBuilder();
            for (int k = 0; k < length; k++)
            {
                string piece = alphabet[random.Next(alphabet.Length)];
                if (!allowUcs2 && (piece == Cyr || piece == Emoji))
                {
                    piece = "b";
                }

                builder.Append(piece);
            }

            string text = builder.ToString();
            var info = SmsSegments.Count(text);
            var parts = SmsSegments.Split(text);
            bool ucs2 = info.Encoding == SmsEncoding.Ucs2;
            int limit = info.Segments <= 1 ? (ucs2 ? 70 : 160) : (ucs2 ? 67 : 153);

            Assert.That(string.Concat(parts), Is.EqualTo(text), $"run {run}: rejoin");
            Assert.That(parts, Has.Count.EqualTo(info.Segments), $"run {run}: count");
            Assert.That(info.UnitsPerSegment, Is.EqualTo(limit), $"run {run}: capacity");
            int total = 0;
            for (int p = 0; p < parts.Count; p++)
            {
                string part = parts[p];
                int units = ucs2 ? part.Length : Septets(part);
                total += units;
                Assert.That(units, Is.InRange(1, limit), $"run {run}: part {p} size");
                Assert.That(char.IsHighSurrogate(part[part.Length - 1]), Is.False, $"run {run}: part {p} ends inside a pair");
                if (p + 1 < parts.Count)
                {
                    // Greedy: the next part's first element did not fit here.
                    string next = parts[p + 1];
                    int nextCost = ucs2 ? (char.IsHighSurrogate(next[0]) ? 2 : 1) : Septets(next.Substring(0, 1));
                    Assert.That(units + nextCost, Is.GreaterThan(limit), $"run {run}: part {p} underfilled");
                }
                else
                {
                    Assert.That(info.RemainingInSegment, Is.EqualTo(limit - units), $"run {run}: remaining");
                }
            }

            Assert.That(total, Is.EqualTo(info.Units), $"run {run}: units");
        }
    }

    private static TestCaseData Case(string name, string text, string encoding, int segments, int units)
        => new TestCaseData(text, encoding, segments, units).SetArgDisplayNames(name);

    [Test]
    public void NonGsmCharacters_MatchAWholeTextGraphemeParse_OnSeededRandomTexts()
    {
        string[] alphabet =
        [
            "a", "Z", " ", "7", "`", "{", "\u20AC", "\r", "\n", "\r\n", "\t", "\u00E9", "e\u0301", "\u0301", "\U0001F44D",
            "\U0001F468\u200D\U0001F469\u200D\U0001F467", "\U0001F1E8\U0001F1E9", "\u0416", "\uFE0F", "1\uFE0F\u20E3",
            "\u1100\u1161", "\u0600", "\u00E7", "\u4E2D",
        ];
        var random = new Random(20261123);
        for (var n = 0; n < 3000; n++)
        {
            var builder = new StringBuilder();
            var length = random.Next(1, 40);
            for (var i = 0; i < length; i++)
            {
                builder.Append(alphabet[random.Next(alphabet.Length)]);
            }

            var text = builder.ToString();
            var info = SmsSegments.Count(text);
            var expected = info.Encoding == SmsEncoding.Ucs2 ? ReferenceNonGsm(text) : [];
            Assert.That(info.NonGsmCharacters, Is.EqualTo(expected), $"text #{n}: {string.Join(" ", text.Select(c => ((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture)))}");
        }
    }

    // The whole-text grapheme parse the optimised code must agree with.
    private static List<string> ReferenceNonGsm(string text)
    {
        var result = new List<string>();
        var starts = System.Globalization.StringInfo.ParseCombiningCharacters(text);
        for (var e = 0; e < starts.Length; e++)
        {
            var end = e + 1 < starts.Length ? starts[e + 1] : text.Length;
            var element = text[starts[e]..end];
            if (element.Any(c => SmsSegments.GetSeptetLength(c) == 0) && !result.Contains(element))
            {
                result.Add(element);
            }
        }

        return result;
    }

    private static string R(string s, int count) => string.Concat(Enumerable.Repeat(s, count));

    // Independent of the code under test: valid for GSM-7 text only.
    private static int Septets(string gsmText) => gsmText.Sum(c => ExtensionChars.Contains(c, StringComparison.Ordinal) ? 2 : 1);
}
