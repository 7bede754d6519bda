using System.Globalization;

namespace Lisoloo.Sdk;

/// <summary>
/// Counts and splits SMS text exactly as the Lisoloo server bills it. The SDK and the reference server share this code.
/// </summary>
/// <remarks>
/// <para>
/// GSM 03.38 (3GPP TS 23.038) default alphabet: 160 septets in one SMS, 153 per part when the text needs several parts
/// (the other 7 septets carry the concatenation header). Characters of the extension table
/// (<c>^ { } \ [ ~ ] | €</c> and form feed) are sent as an escape plus the character and cost two septets;
/// that pair is never split across parts, so a part may hold 152 septets.
/// </para>
/// <para>
/// A single character outside the basic and extension tables makes the whole message UCS-2: 70 UTF-16 code units in one SMS,
/// 67 per part beyond; a surrogate pair (e.g. an emoji) is never split across parts.
/// </para>
/// <para>
/// The text is counted as given: no normalisation, no transliteration (<c>ç</c> is not replaced with <c>Ç</c>),
/// CR LF counts two septets. The tables follow 3GPP TS 23.038: position 0x09 is the capital <c>Ç</c>, so a lowercase
/// <c>ç</c> forces UCS-2. The escape code 0x1B itself is not a user character.
/// </para>
/// </remarks>
public static class SmsSegments
{
    /// <summary>Septets in a single-part GSM-7 message.</summary>
    public const int Gsm7SingleSegmentSeptets = 160;

    /// <summary>Septets per part in a multipart GSM-7 message.</summary>
    public const int Gsm7MultipartSegmentSeptets = 153;

    /// <summary>UTF-16 code units in a single-part UCS-2 message.</summary>
    public const int Ucs2SingleSegmentUnits = 70;

    /// <summary>UTF-16 code units per part in a multipart UCS-2 message.</summary>
    public const int Ucs2MultipartSegmentUnits = 67;

    // GSM 03.38 basic table, positions 0x00-0x7F in order, without the escape 0x1B.
    private const string BasicTable =
        "@£$¥èéùìòÇ\nØø\rÅå" +
        "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
        " !\"#¤%&'()*+,-./" +
        "0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNO" +
        "PQRSTUVWXYZÄÖÑÜ§" +
        "¿abcdefghijklmno" +
        "pqrstuvwxyzäöñüà";

    // GSM 03.38 extension table characters (reached through the escape 0x1B): two septets each.
    private const string ExtensionTable = "\f^{}\\[~]|€";

    // Every GSM character but '€' is below U+03AA (Ω is U+03A9): a small table indexed by the char,
    // holding its septet length (0 = not GSM-7). '€' (U+20AC) is tested separately.
    private const char Euro = '\u20AC';
    private static readonly byte[] SeptetTable = BuildTable();

    /// <summary>Gets the number of septets a character takes in the GSM 03.38 default alphabet.</summary>
    /// <param name="c">The UTF-16 character.</param>
    /// <returns>1 for the basic table, 2 for the extension table (escape + character), 0 when the character is not GSM-7.</returns>
    public static int GetSeptetLength(char c)
    {
        if (c < SeptetTable.Length)
        {
            return SeptetTable[c];
        }

        return c == Euro ? 2 : 0;
    }

    /// <summary>Tells whether every character of a text is in the GSM 03.38 basic or extension table.</summary>
    /// <param name="text">The text; empty text is GSM-7.</param>
    /// <returns><see langword="true"/> when the text is sent as GSM-7, <see langword="false"/> when it needs UCS-2.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static bool IsGsm7(string text)
    {
        Guard.NotNull(text);
        return Gsm7Septets(text) >= 0;
    }

    /// <summary>Counts the encoding, parts and units of a text.</summary>
    /// <param name="text">The message text.</param>
    /// <returns>The count; <see cref="SegmentInfo.Segments"/> is 0 for empty text.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static SegmentInfo Count(string text)
    {
        Guard.NotNull(text);
        int septets = Gsm7Septets(text);
        bool ucs2 = septets < 0;
        int units = ucs2 ? text.Length : septets;
        int single = ucs2 ? Ucs2SingleSegmentUnits : Gsm7SingleSegmentSeptets;
        var encoding = ucs2 ? SmsEncoding.Ucs2 : SmsEncoding.Gsm7;
        IReadOnlyList<string> nonGsm = ucs2 ? CollectNonGsm(text) : Array.Empty<string>();

        if (units <= single)
        {
            return new SegmentInfo(encoding, units == 0 ? 0 : 1, units, single, single - units, nonGsm);
        }

        int perPart = ucs2 ? Ucs2MultipartSegmentUnits : Gsm7MultipartSegmentSeptets;
        int segments = Walk(text, ucs2, perPart, parts: null, out int lastPartUnits);
        return new SegmentInfo(encoding, segments, units, perPart, perPart - lastPartUnits, nonGsm);
    }

    /// <summary>Splits a text into the parts that go on the wire.</summary>
    /// <param name="text">The message text.</param>
    /// <returns>
    /// The parts, in order; their concatenation is <paramref name="text"/>. One part when the text fits in one SMS,
    /// none for empty text. The count always equals <see cref="SegmentInfo.Segments"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> Split(string text)
    {
        Guard.NotNull(text);
        if (text.Length == 0)
        {
            return Array.Empty<string>();
        }

        int septets = Gsm7Septets(text);
        bool ucs2 = septets < 0;
        int units = ucs2 ? text.Length : septets;
        if (units <= (ucs2 ? Ucs2SingleSegmentUnits : Gsm7SingleSegmentSeptets))
        {
            return new[] { text };
        }

        var parts = new List<string>();
        Walk(text, ucs2, ucs2 ? Ucs2MultipartSegmentUnits : Gsm7MultipartSegmentSeptets, parts, out _);
        return parts;
    }

    /// <summary>Septets of the text in GSM-7, or -1 as soon as one character is not GSM-7.</summary>
    private static int Gsm7Septets(string text)
    {
        int septets = 0;
        foreach (char c in text)
        {
            int length = GetSeptetLength(c);
            if (length == 0)
            {
                return -1;
            }

            septets += length;
        }

        return septets;
    }

    /// <summary>
    /// Fills parts of at most <paramref name="perPart"/> units, never splitting an escape pair (GSM-7)
    /// or a surrogate pair (UCS-2). Returns the number of parts and the units in the last one.
    /// </summary>
    private static int Walk(string text, bool ucs2, int perPart, List<string>? parts, out int lastPartUnits)
    {
        int segments = 1;
        int used = 0;
        int start = 0;
        int i = 0;
        while (i < text.Length)
        {
            int chars = 1;
            int cost;
            if (ucs2)
            {
                cost = 1;
                if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    chars = 2;
                    cost = 2;
                }
            }
            else
            {
                cost = GetSeptetLength(text[i]);
            }

            if (used + cost > perPart)
            {
                parts?.Add(text.Substring(start, i - start));
                segments++;
                start = i;
                used = 0;
            }

            used += cost;
            i += chars;
        }

        parts?.Add(text.Substring(start));
        lastPartUnits = used;
        return segments;
    }

    /// <summary>The distinct text elements holding a non-GSM character, in first-seen order.</summary>
    /// <remarks>
    /// Grapheme parsing is costly, so the text is cut where a break is certain — between two printable ASCII
    /// characters, which no grapheme rule joins — and only the pieces holding a non-GSM character are parsed.
    /// </remarks>
    private static string[] CollectNonGsm(string text)
    {
        HashSet<string>? seen = null;
        List<string>? result = null;
        int start = 0;
        bool hasNonGsm = GetSeptetLength(text[0]) == 0;
        for (int j = 1; j <= text.Length; j++)
        {
            if (j < text.Length && !(IsPrintableAscii(text[j - 1]) && IsPrintableAscii(text[j])))
            {
                hasNonGsm |= GetSeptetLength(text[j]) == 0;
                continue;
            }

            if (hasNonGsm)
            {
                CollectPiece(text, start, j, ref seen, ref result);
            }

            start = j;
            hasNonGsm = j < text.Length && GetSeptetLength(text[j]) == 0;
        }

        return result is null ? Array.Empty<string>() : result.ToArray();
    }

    private static void CollectPiece(string text, int start, int end, ref HashSet<string>? seen, ref List<string>? result)
    {
        string piece = text.Substring(start, end - start);
        int[] starts = StringInfo.ParseCombiningCharacters(piece);
        for (int e = 0; e < starts.Length; e++)
        {
            int elementStart = starts[e];
            int elementEnd = e + 1 < starts.Length ? starts[e + 1] : piece.Length;
            for (int i = elementStart; i < elementEnd; i++)
            {
                if (GetSeptetLength(piece[i]) == 0)
                {
                    string element = piece.Substring(elementStart, elementEnd - elementStart);
                    seen ??= new HashSet<string>(StringComparer.Ordinal);
                    if (seen.Add(element))
                    {
                        (result ??= new List<string>()).Add(element);
                    }

                    break;
                }
            }
        }
    }

    private static bool IsPrintableAscii(char c) => c >= ' ' && c <= '~';

    private static byte[] BuildTable()
    {
        var table = new byte[0x03AA];
        foreach (char c in BasicTable)
        {
            table[c] = 1;
        }

        foreach (char c in ExtensionTable)
        {
            if (c != Euro)
            {
                table[c] = 2;
            }
        }

        return table;
    }
}
