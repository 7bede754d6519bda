using System.Security.Cryptography;

namespace Lisoloo.Sdk.Webhooks;

/// <summary>
/// Webhook signing secrets: <c>whsec_</c> followed by the base64 of random bytes.
/// The Lisoloo scheme keys HMAC with the UTF-8 bytes of the whole string; the Standard Webhooks
/// scheme keys it with the base64-decoded bytes after <c>whsec_</c>.
/// </summary>
public static class WebhookSecret
{
    /// <summary>The prefix of every secret.</summary>
    public const string Prefix = "whsec_";

    /// <summary>The number of random bytes in a generated secret.</summary>
    public const int DefaultByteCount = 32;

    /// <summary>Generates a new secret from a cryptographic random number generator.</summary>
    /// <param name="byteCount">The number of random bytes (at least 16, at most 64).</param>
    /// <returns>A secret of the form <c>whsec_&lt;base64&gt;</c>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="byteCount"/> is outside 16–64.</exception>
    public static string Generate(int byteCount = DefaultByteCount)
    {
        if (byteCount is < 16 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(byteCount), byteCount, "A secret has 16 to 64 random bytes.");
        }

        var bytes = new byte[byteCount];
        using (var rng = RandomNumberGenerator.Create())
        {
            rng.GetBytes(bytes);
        }

        return Prefix + Convert.ToBase64String(bytes);
    }

    /// <summary>Checks that a secret has the <c>whsec_&lt;base64&gt;</c> form with at least one key byte.</summary>
    /// <param name="secret">The secret.</param>
    /// <returns><see langword="true"/> when both schemes can use it.</returns>
    public static bool IsValid(string? secret) => secret is not null && TryGetStandardKey(secret, out _);

    /// <summary>Gets the Lisoloo-scheme HMAC key: the UTF-8 bytes of the whole secret.</summary>
    internal static byte[] GetLisolooKey(string secret) => System.Text.Encoding.UTF8.GetBytes(secret);

    /// <summary>Gets the Standard Webhooks HMAC key: the base64-decoded bytes after the prefix.</summary>
    internal static bool TryGetStandardKey(string secret, out byte[] key)
    {
        key = [];
        if (!secret.StartsWith(Prefix, StringComparison.Ordinal) || secret.Length == Prefix.Length)
        {
            return false;
        }

        try
        {
            key = Convert.FromBase64String(secret.Substring(Prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        return key.Length > 0;
    }

    internal static byte[] GetStandardKey(string secret, string paramName)
    {
        if (!TryGetStandardKey(secret, out var key))
        {
            throw new ArgumentException("A webhook secret has the form whsec_<base64>.", paramName);
        }

        return key;
    }
}
