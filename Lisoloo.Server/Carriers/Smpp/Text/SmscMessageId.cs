using System.Globalization;

namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>
/// Matches the message id of a <c>submit_sm_resp</c> with the id in a receipt. SMSCs often answer one in hex and write
/// the other in decimal (or the reverse), in either case, with or without leading zeros. Store
/// <see cref="Normalize"/> of the <c>submit_sm_resp</c> id; look a receipt up by its <see cref="Candidates"/> in order.
/// </summary>
internal static class SmscMessageId
{
    /// <summary>Trims and lower-cases an id and, when it is all hex digits, strips its leading zeros (keeping one char).</summary>
    /// <param name="id">The id as the SMSC wrote it.</param>
    /// <returns>The normalized id (<c>"0A1B"</c> → <c>"a1b"</c>, <c>"000"</c> → <c>"0"</c>, <c>"Abc-Def"</c> → <c>"abc-def"</c>).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="id"/> is <see langword="null"/>.</exception>
    public static string Normalize(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        var normalized = id.Trim().ToLowerInvariant();
        if (normalized.Length == 0 || !normalized.All(char.IsAsciiHexDigitLower))
        {
            return normalized;
        }

        var start = 0;
        while (start < normalized.Length - 1 && normalized[start] == '0')
        {
            start++;
        }

        return normalized[start..];
    }

    /// <summary>The normalized ids a receipt's id may have been stored under, most likely first.</summary>
    /// <param name="receiptId">The id in the receipt.</param>
    /// <returns>
    /// <see cref="Normalize"/> of the id; then, when it reads as a 64-bit unsigned decimal number, that number in hex;
    /// then, when it reads as a 64-bit unsigned hex number, that number in decimal. Distinct, in that order:
    /// <c>"6683"</c> → <c>6683, 1a1b, 26243</c>; <c>"0A1B"</c> → <c>a1b, 2587</c>; <c>"abc-def"</c> → <c>abc-def</c>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="receiptId"/> is <see langword="null"/>.</exception>
    public static IReadOnlyList<string> Candidates(string receiptId)
    {
        var normalized = Normalize(receiptId);
        var candidates = new List<string>(3) { normalized };
        if (ulong.TryParse(normalized, NumberStyles.None, CultureInfo.InvariantCulture, out var decimalValue))
        {
            Add(candidates, decimalValue.ToString("x", CultureInfo.InvariantCulture));
        }

        if (ulong.TryParse(normalized, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hexValue))
        {
            Add(candidates, hexValue.ToString(CultureInfo.InvariantCulture));
        }

        return candidates;
    }

    private static void Add(List<string> candidates, string candidate)
    {
        if (!candidates.Contains(candidate))
        {
            candidates.Add(candidate);
        }
    }
}
