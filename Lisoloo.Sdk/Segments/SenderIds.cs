namespace Lisoloo.Sdk;

/// <summary>Validation of the <c>sender_id</c> of a send, identical to the server's.</summary>
public static class SenderIds
{
    /// <summary>The longest alphanumeric sender id.</summary>
    public const int MaxAlphanumericLength = 11;

    /// <summary>The longest numeric sender id.</summary>
    public const int MaxNumericLength = 15;

    /// <summary>Tells whether a sender id is acceptable.</summary>
    /// <param name="senderId">The sender id; <see langword="null"/> or empty is not valid (omit the field to use the account's default).</param>
    /// <returns>
    /// <see langword="true"/> for either form:
    /// <list type="bullet">
    /// <item><description>numeric: 1 to 15 ASCII digits only (no <c>+</c>, no spaces), e.g. <c>"243998857000"</c>;</description></item>
    /// <item><description>
    /// alphanumeric: 1 to 11 characters among ASCII letters, ASCII digits and space, with at least one letter and
    /// no leading or trailing space, e.g. <c>"MYAPP"</c> or <c>"Shop 24"</c>.
    /// </description></item>
    /// </list>
    /// Everything else (accents, punctuation, <c>+</c>, other Unicode letters or digits) is refused, because handsets and
    /// carriers do not display it reliably.
    /// </returns>
    public static bool IsValid(string? senderId)
    {
        if (senderId is null || senderId.Length == 0 || senderId.Length > MaxNumericLength)
        {
            return false;
        }

        bool hasLetter = false;
        foreach (char c in senderId)
        {
            if (IsAsciiLetter(c))
            {
                hasLetter = true;
            }
            else if (!(c is >= '0' and <= '9') && c != ' ')
            {
                return false;
            }
        }

        if (!hasLetter)
        {
            // Numeric form: digits only (a space makes it neither form).
            return senderId.IndexOf(' ') < 0;
        }

        return senderId.Length <= MaxAlphanumericLength
            && senderId[0] != ' '
            && senderId[senderId.Length - 1] != ' ';
    }

    private static bool IsAsciiLetter(char c) => c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z');
}
