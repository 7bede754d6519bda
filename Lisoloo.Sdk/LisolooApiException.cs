using System.Net;

namespace Lisoloo.Sdk;

/// <summary>
/// The one exception the client throws for a failed call: an API error (with its catalogue code and field errors),
/// a timeout, a network failure, an unreadable response or an open circuit. <see cref="Kind"/> tells which.
/// </summary>
/// <remarks>The API key never appears in the message, the properties or <see cref="object.ToString"/>.</remarks>
public class LisolooApiException : Exception
{
    /// <summary>Initializes a new instance of the <see cref="LisolooApiException"/> class.</summary>
    /// <param name="kind">What failed.</param>
    /// <param name="message">The human message.</param>
    /// <param name="innerException">The underlying exception, if any.</param>
    public LisolooApiException(LisolooFailureKind kind, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>Gets what failed.</summary>
    public LisolooFailureKind Kind { get; }

    /// <summary>Gets the HTTP status of the answer, or 0 when no answer came.</summary>
    public int Status { get; init; }

    /// <summary>Gets the catalogue code (see <see cref="LisolooErrorCodes"/>), when the API gave one.</summary>
    public int? ErrorCode { get; init; }

    /// <summary>Gets the API's own message, when it gave one.</summary>
    public string? ErrorMessage { get; init; }

    /// <summary>Gets the fields at fault, empty when the error is not about fields.</summary>
    public IReadOnlyList<LisolooFieldError> FieldErrors { get; init; } = [];

    /// <summary>Gets the request id (from the <c>X-Request-Id</c> header or the body), for support.</summary>
    public string? RequestId { get; init; }

    /// <summary>
    /// Gets how long the server asked the client to wait (the <c>Retry-After</c> header, in seconds or as an HTTP date),
    /// when it did; for <see cref="LisolooFailureKind.CircuitOpen"/>, how long the circuit stays open.
    /// </summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>
    /// Gets the key's rate-limit state for the endpoint when the error answer carried <c>X-RateLimit-*</c> headers (a
    /// 429 does: the limit, 0 remaining, and the seconds until the window resets), as on a successful response.
    /// </summary>
    public RateLimitInfo? RateLimit { get; init; }

    /// <summary>Gets the amount the send needed (insufficient balance only).</summary>
    public decimal? RequiredAmount { get; init; }

    /// <summary>Gets the amount that was available (insufficient balance only).</summary>
    public decimal? AvailableAmount { get; init; }

    /// <summary>
    /// Gets the number of attempts sent, retries included; 0 when an open circuit refused the call before any was sent.
    /// </summary>
    public int Attempts { get; init; } = 1;

    /// <summary>
    /// Gets a value indicating whether the same call may succeed later: timeouts, network failures, an open circuit,
    /// 408, 429 and 5xx answers (but 501), and the carrier-unavailable and idempotency-in-progress codes.
    /// </summary>
    public bool IsTransient => Kind switch
    {
        LisolooFailureKind.Timeout or LisolooFailureKind.Network or LisolooFailureKind.CircuitOpen => true,
        LisolooFailureKind.ApiError => ErrorCode is LisolooErrorCodes.CarrierUnavailable or LisolooErrorCodes.IdempotencyKeyInProgress or LisolooErrorCodes.ServiceUnavailable
            || Status is (int)HttpStatusCode.RequestTimeout or 429 || (Status >= 500 && Status != (int)HttpStatusCode.NotImplemented),
        _ => false,
    };

    /// <inheritdoc />
    public override string ToString()
    {
        var text = base.ToString();
        return RequestId is null ? text : text + Environment.NewLine + "Request id: " + RequestId;
    }
}
