using System.Globalization;
using System.Text;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// Hand-written PDUs: hex octets separated by any whitespace, <c>#</c> starts a comment that runs to the end of the
/// line, and <c>"text"</c> stands for its ASCII octets (for long receipt texts).
/// </summary>
internal static class SmppHex
{
    public static byte[] Parse(string text)
    {
        var bytes = new List<byte>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine;
            var quote = line.IndexOf('"', StringComparison.Ordinal);
            var comment = line.IndexOf('#', StringComparison.Ordinal);
            if (quote >= 0 && (comment < 0 || quote < comment))
            {
                var end = line.IndexOf('"', quote + 1);
                AddHex(bytes, line[..quote]);
                bytes.AddRange(Encoding.ASCII.GetBytes(line[(quote + 1)..end]));
                line = line[(end + 1)..];
                comment = line.IndexOf('#', StringComparison.Ordinal);
            }

            AddHex(bytes, comment >= 0 ? line[..comment] : line);
        }

        return [.. bytes];
    }

    /// <summary>The bytes as uppercase hex, for failure messages.</summary>
    public static string Format(ReadOnlySpan<byte> bytes) => Convert.ToHexString(bytes);

    private static void AddHex(List<byte> bytes, string hex)
    {
        var digits = string.Concat(hex.Where(c => !char.IsWhiteSpace(c)));
        if (digits.Length % 2 != 0)
        {
            throw new FormatException($"Odd number of hex digits in '{hex}'.");
        }

        for (var i = 0; i < digits.Length; i += 2)
        {
            bytes.Add(byte.Parse(digits.AsSpan(i, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }
    }
}
