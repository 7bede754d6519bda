namespace Lisoloo.Sdk;

/// <summary>What kind of failure a <see cref="LisolooApiException"/> reports.</summary>
public enum LisolooFailureKind
{
    /// <summary>The API answered with an error status and (usually) an error envelope.</summary>
    ApiError = 0,

    /// <summary>The request timed out (per attempt or in total) before an answer came.</summary>
    Timeout = 1,

    /// <summary>The network failed: DNS, connection refused or reset, TLS.</summary>
    Network = 2,

    /// <summary>The API answered success, but the body was empty or not the expected JSON.</summary>
    InvalidResponse = 3,

    /// <summary>The SDK's circuit breaker is open after repeated failures; no request was sent.</summary>
    CircuitOpen = 4,
}
