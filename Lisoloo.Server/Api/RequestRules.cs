using System.Security.Cryptography;
using Lisoloo.Sdk;
using Lisoloo.Server.Auth;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Api;

/// <summary>
/// The checks every endpoint makes of a request's headers and body, on plain values rather than an HTTP context, so
/// that Lisoloo.Sdk.Testing's mock makes them too (docs/server-design.md, "Rules shared with Lisoloo.Sdk.Testing").
/// </summary>
internal static class RequestRules
{
    /// <summary>Largest request body accepted (a 1,000-recipient send is far below it).</summary>
    public const int MaxBodyBytes = 256 * 1024;

    public static ApiError TooLarge() => new(413, LisolooErrorCodes.PayloadTooLarge, $"The request body is larger than {MaxBodyBytes / 1024} KiB.");

    /// <summary>Throws the 415 (1121) of a body that says it is not JSON; no <c>Content-Type</c> at all is taken for JSON.</summary>
    public static void CheckContentType(string? contentType)
    {
        if (!string.IsNullOrEmpty(contentType) && !contentType.Contains("json", StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiErrorException(new ApiError(415, LisolooErrorCodes.UnsupportedMediaType, "The request body must be application/json."));
        }
    }

    /// <summary>Throws the 400 (1101) of an empty body.</summary>
    public static void CheckNotEmpty(int length)
    {
        if (length == 0)
        {
            throw new ApiErrorException(new ApiError(400, LisolooErrorCodes.MalformedJson, "The request body is empty; a JSON object is expected."));
        }
    }

    /// <summary>The token of an <c>Authorization: Bearer …</c> header, the key's second place after <c>app-key</c>.</summary>
    public static string? Bearer(string? authorization)
        => authorization is not null && authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization[7..].Trim() : null;

    /// <summary>Throws the 401 of a missing (1001) or malformed (1002) key.</summary>
    public static void CheckKeyShape(string? key)
    {
        if (string.IsNullOrEmpty(key))
        {
            throw new ApiErrorException(new ApiError(401, LisolooErrorCodes.MissingApiKey, "The app-key header is missing."));
        }

        if (!KeyMaterial.IsWellFormed(key, out _))
        {
            throw new ApiErrorException(new ApiError(401, LisolooErrorCodes.MalformedApiKey, "The app-key is malformed: keys look like sk_test_… or sk_live_…."));
        }
    }

    /// <summary>The <c>Idempotency-Key</c> header's value with the SHA-256 of what it protects; null when absent; 400 (1126) when unusable.</summary>
    public static IdempotencyRequest? Idempotency(string? key, ReadOnlySpan<byte> protectedBytes)
    {
        if (key is null)
        {
            return null;
        }

        if (key.Length is 0 or > 255 || key.Any(c => c < 0x21 || c > 0x7e))
        {
            throw new ApiErrorException(ApiError.Field("Idempotency-Key", LisolooErrorCodes.InvalidIdempotencyKey,
                "Idempotency-Key must be 1 to 255 visible ASCII characters."));
        }

        return new IdempotencyRequest(key, SHA256.HashData(protectedBytes));
    }

    /// <summary>The 429 (1301) of a rate limit reached, with its <c>Retry-After</c>.</summary>
    public static ApiError RateLimited(RateLimitDecision decision) => new(429, LisolooErrorCodes.RateLimitExceeded,
        $"Rate limit of {decision.Limit} requests per minute reached for this key; retry in {decision.ResetSeconds} s.")
    {
        RetryAfterSeconds = decision.ResetSeconds,
    };
}
