namespace Lisoloo.Server.Sending;

/// <summary>Characters a message may not carry.</summary>
internal static class MessageText
{
    /// <summary>The index of the first control character (other than LF, CR, tab, form feed) or lone surrogate; null when clean.</summary>
    public static int? FindInvalid(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c) || (c < 0x20 && c is not '\n' and not '\r' and not '\t' and not '\f') || c is >= '\u007f' and <= '\u009f')
            {
                return i;
            }
        }

        return null;
    }
}
