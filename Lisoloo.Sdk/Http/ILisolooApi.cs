using Lisoloo.Sdk.Serialization;
using Refit;

namespace Lisoloo.Sdk.Http;

/// <summary>
/// The v1 endpoints as Refit sees them: the source generator writes the implementation at build time (no reflection,
/// trim and AOT safe), and the bodies go through <see cref="LisolooJsonContext"/>. Paths are relative to the API root,
/// which is the <see cref="HttpClient.BaseAddress"/> of the client it runs on. <see cref="LisolooClient"/> is the public
/// façade over it: idempotency keys, typed errors, logs, traces and metrics live there.
/// </summary>
/// <remarks>
/// The key and the <c>User-Agent</c> are parameters, not handler work, so that a caller's own <see cref="HttpClient"/>
/// needs nothing of ours in its handler chain.
/// </remarks>
[Headers("Accept: application/json")]
internal interface ILisolooApi
{
    [Post("/send")]
    Task<HttpResponseMessage> SendAsync(
        [Body] SendPayload payload,
        [Header("app-key")] string apiKey,
        [Header("User-Agent")] string userAgent,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken);

    [Get("/status/{messageId}")]
    Task<HttpResponseMessage> GetStatusAsync(
        string messageId,
        [Header("app-key")] string apiKey,
        [Header("User-Agent")] string userAgent,
        CancellationToken cancellationToken);

    [Get("/balance")]
    Task<HttpResponseMessage> GetBalanceAsync(
        [Header("app-key")] string apiKey,
        [Header("User-Agent")] string userAgent,
        CancellationToken cancellationToken);

    [Post("/calculate")]
    Task<HttpResponseMessage> CalculateAsync(
        [Body] SendPayload payload,
        [Header("app-key")] string apiKey,
        [Header("User-Agent")] string userAgent,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken);

    /// <summary>
    /// <c>/health</c> answers 503 with its report when unhealthy: that report is the answer, and retrying would only
    /// delay it, so the request is marked <see cref="RequestAttempts.NoRetry"/>.
    /// </summary>
    [Get("/health")]
    Task<HttpResponseMessage> GetHealthAsync(
        [Header("app-key")] string apiKey,
        [Header("User-Agent")] string userAgent,
        [Property(RequestAttempts.NoRetry)] bool noRetry,
        CancellationToken cancellationToken);

    [Delete("/cancel/{messageId}")]
    Task<HttpResponseMessage> CancelAsync(
        string messageId,
        [Header("app-key")] string apiKey,
        [Header("User-Agent")] string userAgent,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken);

    [Post("/pause/{messageId}")]
    Task<HttpResponseMessage> PauseAsync(
        string messageId,
        [Header("app-key")] string apiKey,
        [Header("User-Agent")] string userAgent,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken);

    [Post("/resume/{messageId}")]
    Task<HttpResponseMessage> ResumeAsync(
        string messageId,
        [Header("app-key")] string apiKey,
        [Header("User-Agent")] string userAgent,
        [Header("Idempotency-Key")] string idempotencyKey,
        CancellationToken cancellationToken);
}
