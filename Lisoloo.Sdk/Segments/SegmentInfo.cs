namespace Lisoloo.Sdk;

/// <summary>
/// How a text is encoded and split into SMS parts, as counted by <see cref="SmsSegments.Count(string)"/>.
/// </summary>
public sealed record SegmentInfo
{
    /// <summary>Creates a result.</summary>
    /// <param name="encoding">The encoding the text is sent in.</param>
    /// <param name="segments">The number of SMS parts (0 for empty text).</param>
    /// <param name="units">The total length in the encoding's units.</param>
    /// <param name="unitsPerSegment">The capacity of one part.</param>
    /// <param name="remainingInSegment">The units left free in the last part.</param>
    /// <param name="nonGsmCharacters">The distinct characters that forced UCS-2, in first-seen order.</param>
    public SegmentInfo(
        SmsEncoding encoding,
        int segments,
        int units,
        int unitsPerSegment,
        int remainingInSegment,
        IReadOnlyList<string> nonGsmCharacters)
    {
        Encoding = encoding;
        Segments = segments;
        Units = units;
        UnitsPerSegment = unitsPerSegment;
        RemainingInSegment = remainingInSegment;
        NonGsmCharacters = Guard.NotNull(nonGsmCharacters);
    }

    /// <summary>Gets the encoding: <see cref="SmsEncoding.Gsm7"/> or <see cref="SmsEncoding.Ucs2"/>.</summary>
    public SmsEncoding Encoding { get; }

    /// <summary>Gets the number of SMS parts the text takes; 0 for empty text.</summary>
    public int Segments { get; }

    /// <summary>
    /// Gets the length of the text in the encoding's units: septets for GSM-7 (extension-table characters count two),
    /// UTF-16 code units for UCS-2 (a surrogate pair counts two).
    /// </summary>
    public int Units { get; }

    /// <summary>
    /// Gets the capacity of one part: 160 (GSM-7) or 70 (UCS-2) when the text fits in one SMS (or is empty),
    /// 153 or 67 when it is sent in several parts.
    /// </summary>
    public int UnitsPerSegment { get; }

    /// <summary>
    /// Gets the units still free in the last part before one more part is needed
    /// (<see cref="UnitsPerSegment"/> for empty text). An extension character needs two free septets, and an emoji two free units.
    /// </summary>
    public int RemainingInSegment { get; }

    /// <summary>
    /// Gets the distinct text elements (user-perceived characters, at least whole surrogate pairs) that are outside GSM-7
    /// and so forced UCS-2, in first-seen order; empty for GSM-7 text.
    /// </summary>
    public IReadOnlyList<string> NonGsmCharacters { get; }
}
