using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Lisoloo.Sdk.Http;
using Lisoloo.Sdk.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Refit;

namespace Lisoloo.Sdk;

/// <summary>
/// The typed client for the Lisoloo v1 API: one async method per endpoint. Immutable and thread-safe: create one
/// per key and share it (or get it from DI with <c>services.AddLisoloo(...)</c>).
/// </summary>
/// <remarks>
/// Every POST and DELETE carries an <c>Idempotency-Key</c>, generated once per call and reused on every retry, so a
/// retried send is never billed or sent twice. Failures surface as <see cref="LisolooApiException"/>. Members are
/// virtual and a protected constructor exists, so tests can mock the client.
/// </remarks>
public class LisolooClient : IDisposable
{
    private const int MaxIdempotencyKeyLength = 255;

    private readonly ILisolooApi _api = null!;
    private readonly HttpClient? _ownedHttpClient;
    private readonly string _apiKey = null!;
    private readonly Uri _apiRoot = null!;
    private readonly string _userAgent = null!;
    private readonly ILogger _logger = NullLogger.Instance;
    private readonly TimeProvider _timeProvider = TimeProvider.System;

    /// <summary>Initializes a new instance of the <see cref="LisolooClient"/> class for mocking.</summary>
    protected LisolooClient()
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LisolooClient"/> class against the hosted API, with default settings.</summary>
    /// <param name="apiKey">The key, <c>sk_test_…</c> or <c>sk_live_…</c>.</param>
    /// <exception cref="ArgumentException">The key is missing or malformed.</exception>
    public LisolooClient(string apiKey)
        : this(new LisolooClientOptions { ApiKey = apiKey })
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="LisolooClient"/> class that owns its connection pool (dispose it when done)
    /// and runs requests through the SDK's resilience pipeline (<see cref="LisolooResilience"/>), unless
    /// <see cref="LisolooResilienceOptions.Enabled"/> is off.
    /// </summary>
    /// <param name="options">The settings; copied, so later changes do not affect the client.</param>
    /// <param name="logger">Where requests are logged (never the key); nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    public LisolooClient(LisolooClientOptions options, ILogger<LisolooClient>? logger = null)
        : this(Validated(options), LisolooHttp.CreateOwnedClient(options, (ILogger?)logger ?? NullLogger.Instance), logger, ownsHttpClient: true)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="LisolooClient"/> class that sends through <paramref name="httpClient"/> as it is:
    /// the caller owns it and its handlers (add <see cref="LisolooResilience.AddLisolooResilience"/> to its pipeline for the SDK's retries).
    /// </summary>
    /// <param name="options">The settings; copied.</param>
    /// <param name="httpClient">
    /// The HTTP client to send through; not disposed by this client. Its <see cref="HttpClient.BaseAddress"/> is set to the
    /// API root (<see cref="LisolooClientOptions.BaseUrl"/> and <c>api/v1/lisoloo/sms-api/</c>) when it has none, which
    /// is only possible before its first request; one it already has must be that root.
    /// </param>
    /// <param name="logger">Where requests are logged (never the key); nowhere when <see langword="null"/>.</param>
    /// <exception cref="ArgumentException">The settings are invalid, or the client's base address is another one.</exception>
    public LisolooClient(LisolooClientOptions options, HttpClient httpClient, ILogger<LisolooClient>? logger = null)
        : this(Validated(options), httpClient, logger, ownsHttpClient: false)
    {
    }

    private LisolooClient(LisolooClientOptions options, HttpClient httpClient, ILogger? logger, bool ownsHttpClient)
    {
        Guard.NotNull(httpClient);
        _apiRoot = options.ApiRoot;
        if (httpClient.BaseAddress is null)
        {
            httpClient.BaseAddress = _apiRoot;
        }
        else if (httpClient.BaseAddress != _apiRoot)
        {
            throw new ArgumentException($"The HttpClient's BaseAddress ({httpClient.BaseAddress}) must be the API root {_apiRoot}, or unset.", nameof(httpClient));
        }

        _api = RestService.ForGenerated<ILisolooApi>(httpClient, LisolooHttp.Settings);
        _ownedHttpClient = ownsHttpClient ? httpClient : null;
        _apiKey = options.ApiKey!;
        _userAgent = LisolooHttp.UserAgent(options.ApplicationId);
        _logger = logger ?? NullLogger.Instance;
        _timeProvider = options.TimeProvider;
        Environment = options.KeyEnvironment;
    }

    /// <summary>Gets the environment of the client's key (test or live).</summary>
    public virtual LisolooEnvironment Environment { get; }

    /// <summary>Sends a message now (<c>POST /send</c>, <c>sending_type: immediate</c>).</summary>
    /// <param name="request">Recipients, text and options.</param>
    /// <param name="cancellationToken">Cancels the call, including a retry wait.</param>
    /// <returns>The accepted send (201).</returns>
    /// <exception cref="ArgumentException"><see cref="SendRequest.IdempotencyKey"/> is set but unusable (see there).</exception>
    /// <exception cref="LisolooApiException">The API refused the send, or it could not be reached.</exception>
    public virtual Task<LisolooResponse<SendResult>> SendAsync(SendRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return PostSendAsync("send", Payloads.From(request), IdempotencyKeyOf(request.IdempotencyKey), cancellationToken);
    }

    /// <summary>Sends a message now to the given recipients.</summary>
    /// <param name="to">Recipients in E.164 form.</param>
    /// <param name="message">The text.</param>
    /// <param name="senderId">The sender id, or <see langword="null"/> for the account's default.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The accepted send (201).</returns>
    /// <exception cref="LisolooApiException">The API refused the send, or it could not be reached.</exception>
    public virtual Task<LisolooResponse<SendResult>> SendAsync(IReadOnlyList<string> to, string message, string? senderId = null, CancellationToken cancellationToken = default)
        => SendAsync(new SendRequest(to, message) { SenderId = senderId }, cancellationToken);

    /// <summary>Schedules a message for one or more set dates (<c>POST /send</c>, <c>sending_type: scheduled</c>).</summary>
    /// <param name="request">Recipients, text, dates and time zone.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The accepted send (201, status <c>scheduled</c>).</returns>
    /// <exception cref="ArgumentException"><see cref="ScheduleRequest.IdempotencyKey"/> is set but unusable.</exception>
    /// <exception cref="LisolooApiException">The API refused the send, or it could not be reached.</exception>
    public virtual Task<LisolooResponse<SendResult>> ScheduleAsync(ScheduleRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return PostSendAsync("schedule", Payloads.From(request), IdempotencyKeyOf(request.IdempotencyKey), cancellationToken);
    }

    /// <summary>Starts a recurring send (<c>POST /send</c>, <c>sending_type: recurring</c>); every occurrence is billed now.</summary>
    /// <param name="request">Recipients, text and recurrence.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The accepted send (201, status <c>scheduled</c>).</returns>
    /// <exception cref="ArgumentException"><see cref="RecurringRequest.IdempotencyKey"/> is set but unusable.</exception>
    /// <exception cref="LisolooApiException">The API refused the send, or it could not be reached.</exception>
    public virtual Task<LisolooResponse<SendResult>> RecurringAsync(RecurringRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return PostSendAsync("recurring", Payloads.From(request), IdempotencyKeyOf(request.IdempotencyKey), cancellationToken);
    }

    /// <summary>Gets a send's aggregate status and its per-recipient, per-occurrence rows (<c>GET /status/{message_id}</c>).</summary>
    /// <param name="messageId">The message id returned by a send.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The status.</returns>
    /// <exception cref="LisolooApiException">Not found (1401), or the API could not be reached.</exception>
    public virtual Task<LisolooResponse<MessageStatus>> GetStatusAsync(string messageId, CancellationToken cancellationToken = default)
    {
        Guard.NotNullOrWhiteSpace(messageId);
        return CallAsync("status", (Client: this, Id: messageId), static (api, s, ct) => api.GetStatusAsync(s.Id, s.Client._apiKey, s.Client._userAgent, ct), LisolooJsonContext.Default.ApiEnvelopeMessageStatus, cancellationToken);
    }

    /// <summary>Gets the key's balance, reserved amount, unit price and currency (<c>GET /balance</c>).</summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The balance.</returns>
    /// <exception cref="LisolooApiException">The API refused the call, or it could not be reached.</exception>
    public virtual Task<LisolooResponse<BalanceResult>> GetBalanceAsync(CancellationToken cancellationToken = default)
        => CallAsync("balance", this, static (api, c, ct) => api.GetBalanceAsync(c._apiKey, c._userAgent, ct), LisolooJsonContext.Default.ApiEnvelopeBalanceResult, cancellationToken);

    /// <summary>Turns a budget into an SMS count, or prices a would-be send exactly, without sending (<c>POST /calculate</c>).</summary>
    /// <param name="request">The question: <see cref="CalculateRequest.ForBudget"/> or a <c>ForSend</c> overload.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="LisolooApiException">The API refused the question, or it could not be reached.</exception>
    public virtual Task<LisolooResponse<CalculateResult>> CalculateAsync(CalculateRequest request, CancellationToken cancellationToken = default)
    {
        Guard.NotNull(request);
        return CallAsync(
            "calculate",
            (Client: this, Payload: Payloads.From(request), Key: NewIdempotencyKey()),
            static (api, s, ct) => api.CalculateAsync(s.Payload, s.Client._apiKey, s.Client._userAgent, s.Key, ct),
            LisolooJsonContext.Default.ApiEnvelopeCalculateResult,
            cancellationToken);
    }

    /// <summary>Turns a budget into an SMS count (<c>POST /calculate</c>).</summary>
    /// <param name="budget">The amount, in the account's currency.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The answer.</returns>
    /// <exception cref="LisolooApiException">The API refused the question, or it could not be reached.</exception>
    public virtual Task<LisolooResponse<CalculateResult>> CalculateAsync(decimal budget, CancellationToken cancellationToken = default)
        => CalculateAsync(CalculateRequest.ForBudget(budget), cancellationToken);

    /// <summary>
    /// Gets the API's liveness and the readiness of its store and carrier routes (<c>GET /health</c>, no key needed).
    /// An unhealthy answer (503 with a health body) is returned, not thrown.
    /// </summary>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The health report.</returns>
    /// <exception cref="LisolooApiException">The API could not be reached or answered without a health body.</exception>
    public virtual Task<LisolooResponse<HealthResult>> GetHealthAsync(CancellationToken cancellationToken = default)
        => CallAsync("health", this, static (api, c, ct) => api.GetHealthAsync(c._apiKey, c._userAgent, noRetry: true, ct), LisolooJsonContext.Default.ApiEnvelopeHealthResult, cancellationToken, acceptDataOnError: true);

    /// <summary>Cancels what has not reached the carrier yet and refunds it (<c>DELETE /cancel/{message_id}</c>).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new status and the refund.</returns>
    /// <exception cref="LisolooApiException">Not found (1401), cannot cancel (1402), or the API could not be reached.</exception>
    public virtual Task<LisolooResponse<MessageActionResult>> CancelAsync(string messageId, CancellationToken cancellationToken = default)
        => ActAsync("cancel", messageId, static (api, s, ct) => api.CancelAsync(s.Id, s.Client._apiKey, s.Client._userAgent, s.Key, ct), cancellationToken);

    /// <summary>Pauses a scheduled or recurring send (<c>POST /pause/{message_id}</c>).</summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new status.</returns>
    /// <exception cref="LisolooApiException">Not found (1401), cannot pause (1403), or the API could not be reached.</exception>
    public virtual Task<LisolooResponse<MessageActionResult>> PauseAsync(string messageId, CancellationToken cancellationToken = default)
        => ActAsync("pause", messageId, static (api, s, ct) => api.PauseAsync(s.Id, s.Client._apiKey, s.Client._userAgent, s.Key, ct), cancellationToken);

    /// <summary>
    /// Resumes a paused send (<c>POST /resume/{message_id}</c>). Occurrences whose time passed while paused are skipped and refunded.
    /// </summary>
    /// <param name="messageId">The message id.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <returns>The new status, the skipped occurrences and their refund.</returns>
    /// <exception cref="LisolooApiException">Not found (1401), cannot resume (1404), or the API could not be reached.</exception>
    public virtual Task<LisolooResponse<MessageActionResult>> ResumeAsync(string messageId, CancellationToken cancellationToken = default)
        => ActAsync("resume", messageId, static (api, s, ct) => api.ResumeAsync(s.Id, s.Client._apiKey, s.Client._userAgent, s.Key, ct), cancellationToken);

    /// <summary>Releases the connection pool when the client created it.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases the connection pool when the client created it.</summary>
    /// <param name="disposing"><see langword="true"/> when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _ownedHttpClient?.Dispose();
        }
    }

    /// <inheritdoc />
    public override string ToString() => $"LisolooClient({_apiRoot}, key {ApiKeys.Redact(_apiKey)})";

    private static LisolooClientOptions Validated(LisolooClientOptions options)
    {
        Guard.NotNull(options);
        options.ThrowIfInvalid();
        return options;
    }

    /// <summary>
    /// A new idempotency key: 32 lowercase hex digits, 128 random bits. On .NET 8 and later they come from
    /// <c>Random.Shared</c> (xoshiro256**, seeded from the OS for each process): a key must be unique, not secret
    /// (the server keeps keys per API key, and a key only ever replays that key's own answer), and a cryptographic
    /// source costs a system call per key on Linux (~1.5 µs, a fifth of a whole call; see tests/Lisoloo.Benchmarks/README.md).
    /// </summary>
    private static string NewIdempotencyKey()
    {
#if NET9_0_OR_GREATER
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return Convert.ToHexStringLower(bits);
#elif NET8_0_OR_GREATER
        Span<byte> bits = stackalloc byte[16];
        Random.Shared.NextBytes(bits);
        return Convert.ToHexString(bits).ToLowerInvariant();
#else
        return Guid.NewGuid().ToString("N");
#endif
    }

    /// <summary>
    /// The caller's key, checked so that it reaches the server exactly as given (header values are trimmed and cannot
    /// carry control or non-ASCII characters), or a fresh one.
    /// </summary>
    private static string IdempotencyKeyOf(string? key)
    {
        if (key is null)
        {
            return NewIdempotencyKey();
        }

        var usable = key.Length is > 0 and <= MaxIdempotencyKeyLength && key[0] != ' ' && key[key.Length - 1] != ' ';
        foreach (var c in key)
        {
            usable &= c is >= ' ' and <= '~';
        }

        return usable
            ? key
            : throw new ArgumentException($"The IdempotencyKey must be 1–{MaxIdempotencyKeyLength} printable ASCII characters, without leading or trailing spaces.", "request");
    }

    private Task<LisolooResponse<SendResult>> PostSendAsync(string operation, SendPayload payload, string idempotencyKey, CancellationToken cancellationToken)
        => CallAsync(
            operation,
            (Client: this, Payload: payload, Key: idempotencyKey),
            static (api, s, ct) => api.SendAsync(s.Payload, s.Client._apiKey, s.Client._userAgent, s.Key, ct),
            LisolooJsonContext.Default.ApiEnvelopeSendResult,
            cancellationToken);

    private Task<LisolooResponse<MessageActionResult>> ActAsync(
        string operation,
        string messageId,
        Func<ILisolooApi, (LisolooClient Client, string Id, string Key), CancellationToken, Task<HttpResponseMessage>> call,
        CancellationToken cancellationToken)
    {
        Guard.NotNullOrWhiteSpace(messageId);
        return CallAsync(operation, (Client: this, Id: messageId, Key: NewIdempotencyKey()), call, LisolooJsonContext.Default.ApiEnvelopeMessageActionResult, cancellationToken);
    }

    /// <summary>
    /// Runs one call through the Refit interface and turns its answer into a <see cref="LisolooResponse{T}"/> or a
    /// <see cref="LisolooApiException"/>, with its log event, trace and metrics.
    /// </summary>
    private async Task<LisolooResponse<T>> CallAsync<T, TState>(
        string operation,
        TState state,
        Func<ILisolooApi, TState, CancellationToken, Task<HttpResponseMessage>> call,
        JsonTypeInfo<ApiEnvelope<T>> typeInfo,
        CancellationToken cancellationToken,
        bool acceptDataOnError = false)
        where T : class
    {
        using var activity = LisolooDiagnostics.ActivitySource.StartActivity("Lisoloo " + operation, ActivityKind.Client);
        activity?.SetTag("lisoloo.operation", operation);
        var started = Stopwatch.GetTimestamp();

        HttpResponseMessage response;
        try
        {
            response = await call(_api, state, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(operation, ex, (ex as ApiExceptionBase)?.RequestMessage, cancellationToken) is { } failure)
        {
            throw Fail(operation, started, activity, failure);
        }
        catch (ApiRequestException ex) when (ex.InnerException is { } inner)
        {
            // Refit wraps whatever the handlers threw; what is not about the call (a bug in a handler of the caller's)
            // surfaces as it was thrown, not as a Refit type.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }

        using (response)
        {
            var status = (int)response.StatusCode;
            var headers = SnapshotHeaders(response);
            var requestId = headers.TryGetValue("X-Request-Id", out var ids) && ids.Count > 0 ? ids[0] : null;
            var attempts = RequestAttempts.Get(response.RequestMessage);
            activity?.SetTag("http.response.status_code", status);
            byte[] body;
            try
            {
#if NET5_0_OR_GREATER
                body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
#else
                body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
#endif
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                // The answer came but its body broke off while it was read: a network failure, not a bad answer.
                throw Fail(operation, started, activity, new LisolooApiException(LisolooFailureKind.Network, $"The Lisoloo {operation} answer could not be read: {ex.Message}", ex)
                {
                    Status = status,
                    RequestId = requestId,
                    Attempts = attempts,
                });
            }

            if (response.IsSuccessStatusCode || acceptDataOnError)
            {
                var envelope = TryParse(body, typeInfo, out var parseError);
                if (envelope is { Data: { } data })
                {
                    var request = response.RequestMessage;
                    Log.RequestCompleted(_logger, operation, request?.Method.Method ?? string.Empty, request?.RequestUri?.AbsolutePath ?? string.Empty, status, ElapsedMs(started), requestId ?? envelope.RequestId, ApiKeys.Redact(_apiKey));
                    LisolooDiagnostics.Requests.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", "success"));
                    LisolooDiagnostics.Duration.Record(ElapsedSeconds(started), new KeyValuePair<string, object?>("operation", operation));
                    return new LisolooResponse<T>(data, status, requestId ?? envelope.RequestId, headers);
                }

                if (response.IsSuccessStatusCode)
                {
                    var what = body.Length == 0 ? "an empty body" : "a body that is not the expected JSON envelope";
                    throw Fail(operation, started, activity, new LisolooApiException(LisolooFailureKind.InvalidResponse, $"The Lisoloo {operation} call answered {status} with {what}.", parseError)
                    {
                        Status = status,
                        RequestId = requestId,
                        Attempts = attempts,
                    });
                }
            }

            var retryAfter = LisolooResilience.GetRetryAfter(response, _timeProvider);
            throw Fail(operation, started, activity, CreateApiError(operation, status, body, retryAfter, requestId, attempts, RateLimitInfo.FromHeaders(headers)));
        }
    }

    /// <summary>
    /// Turns a failure to get an answer into the client's exception, or <see langword="null"/> for the caller's own
    /// cancellation and for exceptions that are not about the call (they propagate as they are).
    /// </summary>
    private static LisolooApiException? Translate(string operation, Exception exception, HttpRequestMessage? request, CancellationToken cancellationToken)
    {
        if (exception is ApiRequestException { InnerException: { } inner })
        {
            exception = inner;
        }

        var attempts = RequestAttempts.Get(request);
        switch (exception)
        {
            case OperationCanceledException when cancellationToken.IsCancellationRequested:
                return null;
            case TimeoutRejectedException or OperationCanceledException:
                return new LisolooApiException(LisolooFailureKind.Timeout, TimeoutMessage(operation, exception, RequestAttempts.GetTimeout(request), attempts), exception) { Attempts = attempts };
            case BrokenCircuitException broken:
                return new LisolooApiException(LisolooFailureKind.CircuitOpen, $"The Lisoloo {operation} call was not sent: the circuit is open after repeated failures.", broken)
                {
                    Attempts = attempts,
                    RetryAfter = broken.RetryAfter,
                };
            case HttpRequestException or IOException:
                return new LisolooApiException(LisolooFailureKind.Network, $"The Lisoloo {operation} call failed on the network: {exception.Message}", exception) { Attempts = attempts };
            default:
                return null;
        }
    }

    private static string TimeoutMessage(string operation, Exception exception, RequestTimeout which, int attempts)
    {
        if (exception is TimeoutRejectedException rejected && which != RequestTimeout.None)
        {
            var limit = rejected.Timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";
            return which == RequestTimeout.Attempt
                ? $"The Lisoloo {operation} call timed out: attempt {attempts} got no answer within the attempt timeout of {limit}."
                : $"The Lisoloo {operation} call timed out: it did not complete within its total timeout of {limit} (retries and waits included; {attempts} attempt(s) sent).";
        }

        return $"The Lisoloo {operation} call timed out before the API answered.";
    }

    private static LisolooApiException CreateApiError(string operation, int status, byte[] body, TimeSpan? retryAfter, string? requestId, int attempts, RateLimitInfo? rateLimit)
    {
        var error = TryParse(body, LisolooJsonContext.Default.ErrorEnvelope, out _);
        var fieldErrors = FieldErrorsOf(error);
        var code = error?.ErrorCode;
        var apiMessage = error?.Message;
        var text = new System.Text.StringBuilder()
            .Append("The Lisoloo ").Append(operation).Append(" call failed with HTTP ").Append(status.ToString(CultureInfo.InvariantCulture));
        if (code is { } c)
        {
            text.Append(", error ").Append(c.ToString(CultureInfo.InvariantCulture));
            if (LisolooErrorCodes.GetName(c) is { } name)
            {
                text.Append(" (").Append(name).Append(')');
            }
        }

        if (!string.IsNullOrEmpty(apiMessage))
        {
            text.Append(": ").Append(apiMessage);
        }
        else if (error is null)
        {
            text.Append(body.Length == 0 ? " and an empty body" : " and a body that is not a Lisoloo error envelope");
        }

        if (fieldErrors is { Length: > 0 } fields)
        {
            text.Append(" [");
            for (var i = 0; i < fields.Length && i < 5; i++)
            {
                text.Append(i == 0 ? string.Empty : "; ").Append(fields[i].Field).Append(": ").Append(fields[i].Message);
            }

            text.Append(fields.Length > 5 ? "; …]" : "]");
        }

        return new LisolooApiException(LisolooFailureKind.ApiError, text.Append('.').ToString())
        {
            Status = status,
            ErrorCode = code,
            ErrorMessage = apiMessage,
            FieldErrors = fieldErrors,
            RequestId = requestId ?? error?.RequestId,
            RetryAfter = retryAfter,
            RateLimit = rateLimit,
            RequiredAmount = error?.Details?.RequiredAmount,
            AvailableAmount = error?.Details?.AvailableAmount,
            Attempts = attempts,
        };
    }

    /// <summary>The envelope's field errors, without the null entries or null texts a broken server might send.</summary>
    private static LisolooFieldError[] FieldErrorsOf(ErrorEnvelope? error)
    {
        if (error?.Errors is not { Count: > 0 } errors)
        {
            return [];
        }

        var result = new List<LisolooFieldError>(errors.Count);
        foreach (var item in errors)
        {
            if (item is not null)
            {
                result.Add(item with { Field = item.Field ?? string.Empty, Message = item.Message ?? string.Empty });
            }
        }

        return [.. result];
    }

    private LisolooApiException Fail(string operation, long started, Activity? activity, LisolooApiException exception)
    {
        activity?.SetStatus(ActivityStatusCode.Error, exception.Kind.ToString());
        Log.RequestFailed(_logger, operation, exception.Kind, exception.Status, exception.ErrorCode, exception.RequestId, ApiKeys.Redact(_apiKey), exception.Kind == LisolooFailureKind.ApiError ? null : exception.InnerException);
        LisolooDiagnostics.Requests.Add(1, new KeyValuePair<string, object?>("operation", operation), new KeyValuePair<string, object?>("outcome", exception.Kind.ToString()));
        LisolooDiagnostics.Duration.Record(ElapsedSeconds(started), new KeyValuePair<string, object?>("operation", operation));
        return exception;
    }

    private static TEnvelope? TryParse<TEnvelope>(byte[] body, JsonTypeInfo<TEnvelope> typeInfo, out Exception? error)
        where TEnvelope : class
    {
        error = null;
        if (body.Length == 0)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(body, typeInfo);
        }
        catch (JsonException ex)
        {
            error = ex;
            return null;
        }
        catch (NotSupportedException ex)
        {
            error = ex;
            return null;
        }
    }

    private static IReadOnlyDictionary<string, IReadOnlyList<string>> SnapshotHeaders(HttpResponseMessage response)
    {
        var headers = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var header in response.Headers)
        {
            headers[header.Key] = header.Value.ToArray();
        }

        foreach (var header in response.Content.Headers)
        {
            headers[header.Key] = header.Value.ToArray();
        }

        return headers;
    }

    private static long ElapsedMs(long started) => (long)ElapsedSeconds(started) * 1000;

    private static double ElapsedSeconds(long started) => (Stopwatch.GetTimestamp() - started) / (double)Stopwatch.Frequency;
}
