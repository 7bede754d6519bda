namespace Lisoloo.Sdk;

/// <summary>A successful answer: the typed body beside the HTTP status, request id and headers.</summary>
/// <typeparam name="T">The body type.</typeparam>
public class LisolooResponse<T>
{
    /// <summary>Initializes a new instance of the <see cref="LisolooResponse{T}"/> class.</summary>
    /// <param name="value">The typed body (the envelope's <c>data</c>).</param>
    /// <param name="status">The HTTP status.</param>
    /// <param name="requestId">The request id, if the server sent one.</param>
    /// <param name="headers">The response headers (content headers included), case-insensitive.</param>
    public LisolooResponse(T value, int status, string? requestId, IReadOnlyDictionary<string, IReadOnlyList<string>> headers)
    {
        Value = value;
        Status = status;
        RequestId = requestId;
        Headers = headers ?? throw new ArgumentNullException(nameof(headers));
    }

    /// <summary>Gets the typed body.</summary>
    public T Value { get; }

    /// <summary>Gets the HTTP status (201 for a send, 200 otherwise).</summary>
    public int Status { get; }

    /// <summary>Gets the request id, for support and logs.</summary>
    public string? RequestId { get; }

    /// <summary>Gets the response headers, case-insensitive.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Headers { get; }

    /// <summary>Gets the key's rate-limit state for this endpoint, when the server sent <c>X-RateLimit-*</c> headers.</summary>
    public RateLimitInfo? RateLimit => RateLimitInfo.FromHeaders(Headers);

    /// <summary>Gets the first value of a header, or <see langword="null"/>.</summary>
    /// <param name="name">The header name (any case).</param>
    /// <returns>The value, or <see langword="null"/>.</returns>
    public string? GetHeader(string name) => Headers.TryGetValue(name, out var values) && values.Count > 0 ? values[0] : null;

    /// <summary>Unwraps the typed body.</summary>
    /// <param name="response">The response.</param>
    public static implicit operator T(LisolooResponse<T> response) => (response ?? throw new ArgumentNullException(nameof(response))).Value;
}

/// <summary>The rate-limit headers of an answer.</summary>
/// <param name="Limit">Requests allowed per window (<c>X-RateLimit-Limit</c>).</param>
/// <param name="Remaining">Requests left in this window (<c>X-RateLimit-Remaining</c>).</param>
/// <param name="ResetSeconds">Seconds until the window resets (<c>X-RateLimit-Reset</c>).</param>
public sealed record RateLimitInfo(int Limit, int Remaining, int ResetSeconds)
{
    internal static RateLimitInfo? FromHeaders(IReadOnlyDictionary<string, IReadOnlyList<string>> headers)
    {
        return TryGet(headers, "X-RateLimit-Limit", out var limit)
            && TryGet(headers, "X-RateLimit-Remaining", out var remaining)
            && TryGet(headers, "X-RateLimit-Reset", out var reset)
            ? new RateLimitInfo(limit, remaining, reset)
            : null;
    }

    private static bool TryGet(IReadOnlyDictionary<string, IReadOnlyList<string>> headers, string name, out int value)
    {
        value = 0;
        return headers.TryGetValue(name, out var values) && values.Count > 0
            && int.TryParse(values[0], System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out value);
    }
}
