namespace Lisoloo.Sdk.Testing;

/// <summary>A failure the mock server answers on demand (<see cref="LisolooMockServer.FailNext"/>), as the reference server would.</summary>
public enum LisolooMockFailure
{
    /// <summary>503, error 1504: the service cannot reach its store right now; with <c>Retry-After</c>.</summary>
    ServiceUnavailable = 0,

    /// <summary>503, error 1502: no carrier route is available right now; with <c>Retry-After</c>.</summary>
    CarrierUnavailable = 1,

    /// <summary>500, error 1501: an internal error.</summary>
    InternalError = 2,

    /// <summary>429, error 1301: the key's rate limit is reached; with <c>Retry-After</c> and <c>X-RateLimit-*</c> headers.</summary>
    RateLimited = 3,
}
