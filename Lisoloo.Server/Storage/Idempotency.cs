using Lisoloo.Sdk;
using Lisoloo.Server.Api;

namespace Lisoloo.Server.Storage;

/// <summary>The rules every provider applies to <c>Idempotency-Key</c> records.</summary>
internal static class Idempotency
{
    /// <summary>How long an idempotency record answers for its key.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>The error of a key reused with another body within the retention (409, 1405).</summary>
    public static ApiError Conflict() => new(409, LisolooErrorCodes.IdempotencyKeyReused,
        "This Idempotency-Key was used with a different request body in the last 24 hours.");
}
