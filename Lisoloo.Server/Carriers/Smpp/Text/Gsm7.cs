namespace Lisoloo.Server.Carriers.Smpp.Text;

/// <summary>
/// The GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1) and its extension table (§6.2.1.1): characters to septets and
/// back, and the packing of septets into octets (§6.1.2.1).
/// </summary>
/// <remarks>
/// <para>
/// The tables are those of <see cref="Lisoloo.Sdk.SmsSegments"/>, which bills the text: position 0x09 is the capital
/// <c>Ç</c>, the escape 0x1B is not a user character, and the ten extension characters
/// (<c>\f ^ { } \ [ ~ ] | €</c>) are sent as 0x1B followed by their code.
/// </para>
/// <para>
/// Packing and the '@' (septet 0x00): when packed septets leave 7 spare bits in the last octet, <see cref="Pack"/>
/// fills them with a carriage return (0x0D) as §6.1.2.3.1 requires, never with zeros, so a receiver that derives the
/// septet count from the octet count (SMPP carries octets only) reads a CR, not an '@'. <see cref="Unpack"/> takes the
/// septet count from its caller and never guesses; the inbound decoder applies the receiving half of the rule (see
/// <see cref="InboundDecoder"/>). A genuine trailing '@' therefore survives both ways.
/// </para>
/// </remarks>
internal static class Gsm7
{
    /// <summary>The escape to the extension table.</summary>
    public const byte Escape = 0x1B;

    /// <summary>The carriage return, the padding septet of §6.1.2.3.1.</summary>
    public const byte CarriageReturn = 0x0D;

    // The basic table, positions 0x00-0x7F in order; position 0x1B (the escape) holds a placeholder that is never
    // looked up. The Greek capitals are written as escapes so no look-alike (e.g. the Ohm sign) slips in.
    private const string BasicTable =
        "@£$¥èéùìòÇ\nØø\rÅå" +
        "\u0394_\u03A6\u0393\u039B\u03A9\u03A0\u03A8\u03A3\u0398\u039E\u001BÆæßÉ" +
        " !\"#¤%&'()*+,-./" +
        "0123456789:;<=>?" +
        "¡ABCDEFGHIJKLMNO" +
        "PQRSTUVWXYZÄÖÑÜ§" +
        "¿abcdefghijklmno" +
        "pqrstuvwxyzäöñüà";

    private const char Euro = '\u20AC';
    private const byte EuroCode = 0x65;

    // Flag on a table entry: the character is in the extension table (0x1B + the low seven bits).
    private const short Extended = 0x100;

    // char → septet code, for every char below U+03AA (all GSM characters but '€'): -1 when not GSM-7, the basic code,
    // or Extended | the extension code. Built once, never written afterwards.
    private static readonly short[] Codes = BuildCodes();

    /// <summary>Tells whether every character of a text is in the basic or the extension table.</summary>
    /// <param name="text">The text; empty text is GSM-7.</param>
    /// <returns>The same answer as <see cref="Lisoloo.Sdk.SmsSegments.IsGsm7"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    public static bool CanEncode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var c in text)
        {
            if (Lookup(c) < 0)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Converts a text to septets, one byte each; an extension character becomes 0x1B followed by its code.</summary>
    /// <param name="text">The text.</param>
    /// <returns>The septets (values 0x00-0x7F).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="text"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">A character is in neither table (see <see cref="CanEncode"/>).</exception>
    public static byte[] ToSeptets(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var code = Lookup(text[i]);
            if (code < 0)
            {
                throw new ArgumentException(
                    $"The character U+{(int)text[i]:X4} at index {i} is not in the GSM 03.38 default alphabet or its extension table.",
                    nameof(text));
            }

            length += code >= Extended ? 2 : 1;
        }

        var septets = new byte[length];
        var at = 0;
        foreach (var c in text)
        {
            var code = Lookup(c);
            if (code >= Extended)
            {
                septets[at++] = Escape;
            }

            septets[at++] = (byte)(code & 0x7F);
        }

        return septets;
    }

    /// <summary>Converts septets, one per byte, to text. Never throws.</summary>
    /// <param name="septets">The septets; the high bit of each byte is ignored.</param>
    /// <returns>
    /// The text. As §6.2.1.1 asks of a receiver: an escape before a code the extension table does not define gives the
    /// basic character of that code, 0x1B 0x1B (reserved for a further table) gives a space, and so does a lone escape
    /// at the end.
    /// </returns>
    public static string FromSeptets(ReadOnlySpan<byte> septets)
    {
        Span<char> chars = septets.Length <= 256 ? stackalloc char[septets.Length] : new char[septets.Length];
        var length = 0;
        for (var i = 0; i < septets.Length; i++)
        {
            var septet = septets[i] & 0x7F;
            if (septet != Escape)
            {
                chars[length++] = BasicTable[septet];
                continue;
            }

            if (++i == septets.Length)
            {
                chars[length++] = ' ';
                break;
            }

            var code = septets[i] & 0x7F;
            chars[length++] = code == Escape ? ' ' : ExtensionChar(code) ?? BasicTable[code];
        }

        return new string(chars[..length]);
    }

    /// <summary>Packs septets into octets, eight septets in seven octets, first septet in the low bits (§6.1.2.1).</summary>
    /// <param name="septets">The septets (values 0x00-0x7F).</param>
    /// <param name="fillBits">
    /// Zero bits before the first septet (0-6): after a user data header, <see cref="FillBits"/> of its length.
    /// </param>
    /// <returns>
    /// <c>ceil((fillBits + 7 × septets) / 8)</c> octets. When that leaves 7 spare bits they hold a carriage return
    /// (§6.1.2.3.1), else the spare bits are zero. A wanted trailing CR that ends exactly on an octet boundary is not
    /// doubled (the second CR §6.1.2.3.1 suggests would cost an octet a full part does not have), so a receiver applying
    /// that clause drops it.
    /// </returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="fillBits"/> is outside 0-6.</exception>
    /// <exception cref="ArgumentException">A value is above 0x7F.</exception>
    public static byte[] Pack(ReadOnlySpan<byte> septets, int fillBits = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fillBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fillBits, 6);
        var bits = fillBits + (7 * septets.Length);
        var packed = new byte[(bits + 7) / 8];
        var at = fillBits;
        foreach (var septet in septets)
        {
            if (septet > 0x7F)
            {
                throw new ArgumentException($"0x{septet:X2} is not a septet.", nameof(septets));
            }

            Put(packed, at, septet);
            at += 7;
        }

        if ((packed.Length * 8) - bits == 7)
        {
            Put(packed, at, CarriageReturn);
        }

        return packed;
    }

    /// <summary>Unpacks septets from octets packed as <see cref="Pack"/> packs them.</summary>
    /// <param name="packed">The octets.</param>
    /// <param name="septetCount">How many septets to read; the caller knows it (no padding is guessed here).</param>
    /// <param name="fillBits">Zero bits before the first septet (0-6).</param>
    /// <returns>The septets, one per byte.</returns>
    /// <exception cref="ArgumentOutOfRangeException">
    /// <paramref name="fillBits"/> is outside 0-6, or <paramref name="septetCount"/> is negative or needs more bits than
    /// <paramref name="packed"/> holds.
    /// </exception>
    public static byte[] Unpack(ReadOnlySpan<byte> packed, int septetCount, int fillBits = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fillBits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(fillBits, 6);
        ArgumentOutOfRangeException.ThrowIfNegative(septetCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(septetCount, ((packed.Length * 8) - fillBits) / 7);
        var septets = new byte[septetCount];
        var at = fillBits;
        for (var i = 0; i < septets.Length; i++, at += 7)
        {
            var index = at >> 3;
            var shift = at & 7;
            var value = packed[index] >> shift;
            if (shift > 1)
            {
                value |= packed[index + 1] << (8 - shift);
            }

            septets[i] = (byte)(value & 0x7F);
        }

        return septets;
    }

    /// <summary>
    /// The fill bits between a user data header and packed septets, so the first septet starts on a septet boundary
    /// counted from the start of the user data (3GPP TS 23.040 §9.2.3.24): 1 after the 6-octet header, 0 after the
    /// 7-octet one.
    /// </summary>
    /// <param name="headerOctets">The header's length in octets, its length octet included (UDHL + 1); 0 for none.</param>
    /// <returns>0-6.</returns>
    public static int FillBits(int headerOctets)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headerOctets);
        return (7 - (headerOctets * 8 % 7)) % 7;
    }

    /// <summary>Writes a septet at a bit offset of zeroed octets, spilling into the next octet when it straddles.</summary>
    private static void Put(byte[] packed, int bit, byte septet)
    {
        var index = bit >> 3;
        var shift = bit & 7;
        packed[index] |= (byte)(septet << shift);
        if (shift > 1)
        {
            packed[index + 1] |= (byte)(septet >> (8 - shift));
        }
    }

    /// <summary>-1, the basic code, or <see cref="Extended"/> | the extension code of a character.</summary>
    private static int Lookup(char c)
    {
        if (c < Codes.Length)
        {
            return Codes[c];
        }

        return c == Euro ? Extended | EuroCode : -1;
    }

    /// <summary>The character the extension table gives a code, or null where it defines none.</summary>
    private static char? ExtensionChar(int code) => code switch
    {
        0x0A => '\f',
        0x14 => '^',
        0x28 => '{',
        0x29 => '}',
        0x2F => '\\',
        0x3C => '[',
        0x3D => '~',
        0x3E => ']',
        0x40 => '|',
        EuroCode => Euro,
        _ => null,
    };

    private static short[] BuildCodes()
    {
        var codes = new short[0x03AA];
        Array.Fill(codes, (short)-1);
        for (var code = 0; code < BasicTable.Length; code++)
        {
            if (code != Escape)
            {
                codes[BasicTable[code]] = (short)code;
            }
        }

        for (var code = 0; code < 0x80; code++)
        {
            if (ExtensionChar(code) is { } c && c != Euro)
            {
                codes[c] = (short)(Extended | code);
            }
        }

        return codes;
    }
}
