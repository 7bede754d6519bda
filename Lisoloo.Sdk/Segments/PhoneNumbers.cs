namespace Lisoloo.Sdk;

/// <summary>
/// E.164 normalisation of recipient numbers, identical to the server's (the server calls this code).
/// </summary>
/// <remarks>
/// <para>
/// Normalisation strips spaces (U+0020 and the no-break space U+00A0), dashes (<c>-</c>), dots (<c>.</c>) and
/// parentheses; nothing else is removed or rewritten. The result must be <c>+</c> followed by 8 to 15 ASCII digits,
/// the first of which is not 0. So <c>"+243 998 857 000"</c> becomes <c>"+243998857000"</c>, while
/// a number without <c>+</c> (including the <c>00</c> international prefix), letters, tabs, other Unicode digits or
/// dashes (e.g. U+2011) are refused: the API never guesses a country.
/// </para>
/// </remarks>
public static class PhoneNumbers
{
    /// <summary>The fewest digits after the <c>+</c>.</summary>
    public const int MinDigits = 8;

    /// <summary>The most digits after the <c>+</c> (the E.164 maximum).</summary>
    public const int MaxDigits = 15;

    /// <summary>Normalises a number to E.164 if it can be.</summary>
    /// <param name="input">The number as typed, e.g. <c>"+1 (415) 555-0100"</c>.</param>
    /// <param name="e164">The normalised number, e.g. <c>"+14155550100"</c>; empty when the input is invalid.</param>
    /// <returns><see langword="true"/> when <paramref name="input"/> is a valid number.</returns>
    public static bool TryNormalize(string? input, out string e164)
    {
        e164 = string.Empty;
        if (input is null)
        {
            return false;
        }

        // First pass: validate without allocating; most inputs are already canonical.
        int length = 0;
        foreach (char c in input)
        {
            if (IsStripped(c))
            {
                continue;
            }

            if (length == 0)
            {
                if (c != '+')
                {
                    return false;
                }
            }
            else if (c < '0' || c > '9' || (length == 1 && c == '0') || length > MaxDigits)
            {
                return false;
            }

            length++;
        }

        if (length - 1 < MinDigits)
        {
            return false;
        }

        if (length == input.Length)
        {
            e164 = input;
            return true;
        }

        var buffer = new char[length];
        int n = 0;
        foreach (char c in input)
        {
            if (!IsStripped(c))
            {
                buffer[n++] = c;
            }
        }

        e164 = new string(buffer);
        return true;
    }

    /// <summary>Normalises a number to E.164.</summary>
    /// <param name="input">The number as typed.</param>
    /// <returns>The normalised number.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="input"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException"><paramref name="input"/> is not a valid number.</exception>
    public static string Normalize(string input)
    {
        Guard.NotNull(input);
        if (!TryNormalize(input, out string e164))
        {
            throw new ArgumentException(
                "The phone number is not valid E.164 after removing spaces, dashes, dots and parentheses: '+' then 8 to 15 digits, the first not 0.",
                nameof(input));
        }

        return e164;
    }

    /// <summary>
    /// Normalises a list of recipients the way <c>POST /send</c> does: invalid entries are reported by index,
    /// and duplicates after normalisation count once.
    /// </summary>
    /// <param name="inputs">The numbers as typed; <see langword="null"/> entries are invalid.</param>
    /// <returns>The distinct valid numbers in first-seen order, the indexes of the invalid entries and the duplicates removed.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="inputs"/> is <see langword="null"/>.</exception>
    public static PhoneNumberBatch NormalizeAll(IEnumerable<string?> inputs)
    {
        Guard.NotNull(inputs);
        var numbers = new List<string>();
        var invalid = new List<int>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        int duplicates = 0;
        int index = 0;
        foreach (string? input in inputs)
        {
            if (!TryNormalize(input, out string e164))
            {
                invalid.Add(index);
            }
            else if (seen.Add(e164))
            {
                numbers.Add(e164);
            }
            else
            {
                duplicates++;
            }

            index++;
        }

        return new PhoneNumberBatch(numbers.ToArray(), invalid.ToArray(), duplicates);
    }

    private static bool IsStripped(char c) => c is ' ' or '\u00A0' or '-' or '.' or '(' or ')';
}
