using System.Security.Cryptography;
using System.Text;

namespace Lisoloo.Server.Auth;

/// <summary>API keys: generation, hashing, display prefix. Only the SHA-256 of a key is ever stored.</summary>
internal static class KeyMaterial
{
    private const string Alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A new key: <c>sk_{env}_</c> and 40 base62 characters (≈238 bits).</summary>
    public static string Generate(string environment)
    {
        Span<char> chars = stackalloc char[40];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return "sk_" + environment + "_" + new string(chars);
    }

    /// <summary>SHA-256 of the key's UTF-8 bytes. A high-entropy random secret needs no slow hash.</summary>
    public static byte[] Hash(string key)
    {
        Span<byte> utf8 = key.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(key.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(key.Length)];
        var n = Encoding.UTF8.GetBytes(key, utf8);
        return SHA256.HashData(utf8[..n]);
    }

    /// <summary>What operators see: the environment prefix and the first four random characters.</summary>
    public static string DisplayPrefix(string key) => key.Length > 12 ? key[..12] + "…" : "sk_…";

    private static readonly System.Buffers.SearchValues<char> Base62 =
        System.Buffers.SearchValues.Create("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz");

    /// <summary>Shape check before any lookup: <c>sk_test_</c> or <c>sk_live_</c> then 16–128 base62 characters.</summary>
    public static bool IsWellFormed(string key, out string environment)
    {
        environment = string.Empty;
        ReadOnlySpan<char> rest;
        if (key.StartsWith("sk_test_", StringComparison.Ordinal))
        {
            environment = "test";
            rest = key.AsSpan(8);
        }
        else if (key.StartsWith("sk_live_", StringComparison.Ordinal))
        {
            environment = "live";
            rest = key.AsSpan(8);
        }
        else
        {
            return false;
        }

        if (rest.Length is < 16 or > 128)
        {
            return false;
        }

        return !rest.ContainsAnyExcept(Base62);
    }
}
