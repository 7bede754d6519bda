using System.Globalization;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text;

namespace Lisoloo.Sdk.Webhooks;

/// <summary>HMAC, encodings and constant-time comparison, on every target framework.</summary>
internal static class WebhookCrypto
{
    public const int SignatureLength = 32;

    /// <summary>HMAC-SHA256 of <c>{prefix}{body}</c>, without copying the body on modern targets.</summary>
    public static byte[] Hmac(byte[] key, string prefix, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, key);
        var prefixBytes = Encoding.UTF8.GetBytes(prefix);
#if NET8_0_OR_GREATER
        hmac.AppendData(prefixBytes);
        hmac.AppendData(body);
#else
        hmac.AppendData(prefixBytes, 0, prefixBytes.Length);
        var copy = body.ToArray();
        hmac.AppendData(copy, 0, copy.Length);
#endif
        return hmac.GetHashAndReset();
    }

    public static string ToLowerHex(byte[] bytes)
    {
#if NET8_0_OR_GREATER
        return Convert.ToHexString(bytes).ToLowerInvariant();
#else
        var chars = new char[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = HexDigit(bytes[i] >> 4);
            chars[(2 * i) + 1] = HexDigit(bytes[i] & 0xF);
        }

        return new string(chars);

        static char HexDigit(int value) => (char)(value < 10 ? '0' + value : 'a' + value - 10);
#endif
    }

    /// <summary>Decodes exactly <see cref="SignatureLength"/> bytes of hex (either case).</summary>
    public static bool TryDecodeHexSignature(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length != SignatureLength * 2)
        {
            return false;
        }

        var result = new byte[SignatureLength];
        for (var i = 0; i < result.Length; i++)
        {
            var high = HexValue(text[2 * i]);
            var low = HexValue(text[(2 * i) + 1]);
            if (high < 0 || low < 0)
            {
                return false;
            }

            result[i] = (byte)((high << 4) | low);
        }

        bytes = result;
        return true;

        static int HexValue(char c) => c switch
        {
            >= '0' and <= '9' => c - '0',
            >= 'a' and <= 'f' => c - 'a' + 10,
            >= 'A' and <= 'F' => c - 'A' + 10,
            _ => -1,
        };
    }

    /// <summary>Decodes exactly <see cref="SignatureLength"/> bytes of standard base64.</summary>
    public static bool TryDecodeBase64Signature(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length != 44)
        {
            return false;
        }

        try
        {
            bytes = Convert.FromBase64String(text);
        }
        catch (FormatException)
        {
            return false;
        }

        return bytes.Length == SignatureLength;
    }

    /// <summary>Compares two byte sequences in time that depends only on their lengths.</summary>
#if !NET8_0_OR_GREATER
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.NoOptimization)]
#endif
    public static bool FixedTimeEquals(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
#if NET8_0_OR_GREATER
        return CryptographicOperations.FixedTimeEquals(left, right);
#else
        if (left.Length != right.Length)
        {
            return false;
        }

        var difference = 0;
        for (var i = 0; i < left.Length; i++)
        {
            difference |= left[i] ^ right[i];
        }

        return difference == 0;
#endif
    }

    /// <summary>Compares two strings in constant time by comparing their SHA-256 digests, so lengths do not leak either.</summary>
    public static bool FixedTimeEqualsByDigest(byte[] left, byte[] right)
    {
        using var sha = SHA256.Create();
        var leftDigest = sha.ComputeHash(left);
        var rightDigest = sha.ComputeHash(right);
        return FixedTimeEquals(leftDigest, rightDigest);
    }

    public static string FormatUnixSeconds(long seconds) => seconds.ToString(CultureInfo.InvariantCulture);

    /// <summary>Parses unix seconds: ASCII digits only, within the range of <see cref="DateTimeOffset"/>.</summary>
    public static bool TryParseUnixSeconds(string? text, out long seconds)
    {
        seconds = 0;
        if (string.IsNullOrEmpty(text) || text!.Length > 12)
        {
            return false;
        }

        foreach (var c in text)
        {
            if (c is < '0' or > '9')
            {
                return false;
            }
        }

        seconds = long.Parse(text, NumberStyles.None, CultureInfo.InvariantCulture);
        return seconds <= 253_402_300_799L;
    }
}
