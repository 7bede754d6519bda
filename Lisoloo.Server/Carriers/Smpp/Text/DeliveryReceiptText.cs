using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>
/// Reads the SMPP 3.4 Appendix B delivery receipt text, as SMSCs actually write it: keys in any case, fields in any order
/// and spacing, unknown fields ignored, optional fields missing.
/// </summary>
internal static partial class DeliveryReceiptText
{
    private static readonly string[] DateFormats = ["yyMMddHHmm", "yyMMddHHmmss"];

    /// <summary>Parses a receipt.</summary>
    /// <param name="text">The decoded <c>short_message</c> (or <c>message_payload</c>) of the <c>deliver_sm</c>.</param>
    /// <param name="receipt">The receipt, when the text is one.</param>
    /// <returns>
    /// True when the text has a non-empty <c>id</c> and <c>stat</c>. A key is one of <c>id sub dlvrd submit date done date
    /// stat err text</c> (any case, <c>submit date</c> also as <c>submit_date</c>), at the start or after white space,
    /// followed by a colon. Each value but the text is the first word after its colon; <c>text</c> runs to the end, so keys
    /// after it belong to the text. Dates are <c>YYMMDDhhmm</c> or <c>YYMMDDhhmmss</c> in UTC; a field that does not read
    /// (a date or count in another shape) is null rather than a failure.
    /// </returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out DeliveryReceipt? receipt)
    {
        receipt = null;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        string? id = null, stat = null, error = null, sub = null, dlvrd = null, submitDate = null, doneDate = null, body = null;
        var match = Keys().Match(text);
        while (match.Success)
        {
            var next = match.NextMatch();
            var key = match.Groups["key"].Value.ToLowerInvariant();
            if (key == "text")
            {
                body = text[(match.Index + match.Length)..].TrimEnd('\0').Trim();
                break;
            }

            var end = next.Success ? next.Index : text.Length;
            var value = FirstWord(text.AsSpan(match.Index + match.Length, end - match.Index - match.Length));
            switch (key)
            {
                case "id": id ??= value; break;
                case "sub": sub ??= value; break;
                case "dlvrd": dlvrd ??= value; break;
                case "stat": stat ??= value; break;
                case "err": error ??= value; break;
                default:
                    if (key.StartsWith("submit", StringComparison.Ordinal))
                    {
                        submitDate ??= value;
                    }
                    else
                    {
                        doneDate ??= value;
                    }

                    break;
            }

            match = next;
        }

        if (id is null || stat is null)
        {
            return false;
        }

        receipt = new DeliveryReceipt(id, stat, error, Count(sub), Count(dlvrd), Date(submitDate), Date(doneDate), body);
        return true;
    }

    /// <summary>The first run of non-white-space characters, or null when there is none.</summary>
    private static string? FirstWord(ReadOnlySpan<char> value)
    {
        value = value.TrimStart();
        var end = 0;
        while (end < value.Length && !char.IsWhiteSpace(value[end]) && value[end] != '\0')
        {
            end++;
        }

        return end == 0 ? null : value[..end].ToString();
    }

    private static int? Count(string? value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var count) ? count : null;

    private static DateTimeOffset? Date(string? value) =>
        DateTimeOffset.TryParseExact(value, DateFormats, CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var date)
            ? date
            : null;

    [GeneratedRegex(@"(?<=^|\s)(?<key>id|sub|dlvrd|submit[\s_]*date|done[\s_]*date|stat|err|text)\s*:",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Keys();
}
