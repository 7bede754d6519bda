using Lisoloo.Sdk;

namespace Lisoloo.Server.Lifecycle;

/// <summary>An <c>Idempotency-Key</c> used again with another request within its retention: 1405.</summary>
internal sealed class IdempotencyKeyReusedException() : RefusedException(LisolooErrorCodes.IdempotencyKeyReused,
    "This Idempotency-Key was used with a different request body in the last 24 hours.");
