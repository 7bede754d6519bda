using System.Globalization;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;

namespace Lisoloo.Sdk.Http;

/// <summary>
/// Adds the SDK's resilience strategies, built from Microsoft.Extensions.Http.Resilience's HTTP strategy options, to a
/// pipeline: total timeout → retry (exponential backoff with jitter, <c>Retry-After</c> honoured up to a cap) → circuit
/// breaker → attempt timeout. Only safe requests are retried: GET, HEAD and OPTIONS, and any other method that carries an
/// <c>Idempotency-Key</c> header, so a retried send is never sent or billed twice.
/// </summary>
/// <remarks>
/// <c>services.AddLisoloo(...)</c> and <see cref="LisolooClient(LisolooClientOptions, ILogger{LisolooClient})"/> add
/// these strategies for you. Use this method for an <see cref="HttpClient"/> of your own:
/// <c>services.AddHttpClient("sms").AddResilienceHandler("lisoloo", b => b.AddLisolooResilience(options))</c>, or
/// <c>new ResilienceHandler(new ResiliencePipelineBuilder&lt;HttpResponseMessage&gt;().AddLisolooResilience(options).Build())</c>.
/// </remarks>
public static class LisolooResilience
{
    /// <summary>The name of the strategies' pipeline as <c>AddLisoloo</c> registers it (in Polly's telemetry).</summary>
    public const string PipelineName = "Lisoloo";

    /// <summary>Adds the strategies that <paramref name="options"/> describe.</summary>
    /// <param name="builder">The pipeline builder; its <see cref="ResiliencePipelineBuilderBase.TimeProvider"/> times the waits.</param>
    /// <param name="options">Retries, timeouts and breaker settings; copied, so later changes do not affect the pipeline.</param>
    /// <param name="logger">Where retries are logged; nowhere when <see langword="null"/>.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public static ResiliencePipelineBuilder<HttpResponseMessage> AddLisolooResilience(
        this ResiliencePipelineBuilder<HttpResponseMessage> builder,
        LisolooResilienceOptions options,
        ILogger? logger = null)
    {
        Guard.NotNull(builder);
        Guard.NotNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var settings = options.Clone();
        var log = logger ?? NullLogger.Instance;
        var clock = builder.TimeProvider ?? TimeProvider.System;

        // The timeout generators run as the call and each of its attempts start: the total timeout's one sets the attempt
        // count to zero (a call refused by an open circuit reports none), the attempt timeout's one counts an attempt going out.
        var totalTimeout = settings.TotalTimeout;
        builder.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "Lisoloo.TotalTimeout",
            TimeoutGenerator = args => CountAttempt(args.Context, start: true, totalTimeout),
            OnTimeout = args => RecordTimeout(args.Context, RequestTimeout.Total),
        });

        if (settings.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new HttpRetryStrategyOptions
            {
                Name = "Lisoloo.Retry",
                MaxRetryAttempts = settings.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = settings.UseJitter,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,

                // The package's Retry-After reader measures an HTTP date against the system clock; this one measures it
                // against the answer's own Date header (a server clock ahead or behind does not matter) and the pipeline's clock.
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => new ValueTask<TimeSpan?>(GetRetryAfter(args.Outcome.Result, clock)),
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context, settings, clock)),
                OnRetry = args =>
                {
                    var request = args.Context.GetRequestMessage();
                    LisolooDiagnostics.Retries.Add(1);
                    Log.Retrying(
                        log,
                        args.AttemptNumber + 1,
                        request?.Method.Method ?? string.Empty,
                        request?.RequestUri?.AbsolutePath ?? string.Empty,
                        (long)args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Exception?.GetType().Name ?? ((int)args.Outcome.Result!.StatusCode).ToString(CultureInfo.InvariantCulture));
                    return default;
                },
            });
        }

        if (settings.CircuitBreakerEnabled)
        {
            builder.AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                Name = "Lisoloo.CircuitBreaker",
                FailureRatio = settings.FailureRatio,
                MinimumThroughput = settings.MinimumThroughput,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                ShouldHandle = args => new ValueTask<bool>(IsTransient(args.Outcome, args.Context.CancellationToken)),
            });
        }

        var attemptTimeout = settings.AttemptTimeout;
        builder.AddTimeout(new HttpTimeoutStrategyOptions
        {
            Name = "Lisoloo.AttemptTimeout",
            TimeoutGenerator = args => CountAttempt(args.Context, start: false, attemptTimeout),
            OnTimeout = args => RecordTimeout(args.Context, RequestTimeout.Attempt),
        });
        return builder;
    }

    /// <summary>Whether a request may be sent twice without a second effect.</summary>
    internal static bool IsSafeToRetry(HttpRequestMessage request)
    {
        if (RequestAttempts.IsNoRetry(request))
        {
            return false;
        }

        var method = request.Method;
        return method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
            || request.Headers.Contains("Idempotency-Key");
    }

    /// <summary>
    /// Whether an outcome is a transient failure, as the package's <see cref="HttpClientResiliencePredicates"/> judge it
    /// (408, 429, 5xx, a network error, an attempt timeout) except 501 Not Implemented (asking again will not implement it,
    /// as <see cref="LisolooApiException.IsTransient"/>), and a cancellation that is not the caller's (an HttpClient timeout).
    /// </summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
        => (HttpClientResiliencePredicates.IsTransient(outcome) && outcome.Result?.StatusCode != System.Net.HttpStatusCode.NotImplemented)
            || (outcome.Exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    /// <summary>Reads <c>Retry-After</c> (seconds, or an HTTP date measured from the answer's <c>Date</c>) from an answer.</summary>
    internal static TimeSpan? GetRetryAfter(HttpResponseMessage? response, TimeProvider timeProvider)
        => response is null ? null : GetRetryAfter(response.Headers, timeProvider);

    /// <summary>Reads <c>Retry-After</c> (seconds, or an HTTP date measured from the answer's <c>Date</c>) from an answer's headers.</summary>
    internal static TimeSpan? GetRetryAfter(System.Net.Http.Headers.HttpResponseHeaders? headers, TimeProvider timeProvider)
    {
        var header = headers?.RetryAfter;
        if (header is null)
        {
            return null;
        }

        if (header.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header.Date is { } date)
        {
            var wait = date - (headers!.Date ?? timeProvider.GetUtcNow());
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, LisolooResilienceOptions settings, TimeProvider timeProvider)
    {
        if (outcome.Exception is BrokenCircuitException || !IsTransient(outcome, context.CancellationToken))
        {
            return false;
        }

        if (context.GetRequestMessage() is not { } request || !IsSafeToRetry(request))
        {
            return false;
        }

        // A Retry-After longer than we are willing to wait: hand the answer back rather than sleep on it.
        return GetRetryAfter(outcome.Result, timeProvider) is not { } wait || wait <= settings.MaxRetryAfter;
    }

    /// <summary>Tells the client which timeout fired, so that its exception can say so.</summary>
    private static ValueTask RecordTimeout(ResilienceContext context, RequestTimeout which)
    {
        if (context.GetRequestMessage() is { } request)
        {
            RequestAttempts.SetTimeout(request, which);
        }

        return default;
    }

    /// <summary>Counts the attempts on their request, for <see cref="LisolooApiException.Attempts"/>, and gives the timeout.</summary>
    private static ValueTask<TimeSpan> CountAttempt(ResilienceContext context, bool start, TimeSpan timeout)
    {
        if (context.GetRequestMessage() is { } request)
        {
            RequestAttempts.Set(request, start ? 0 : RequestAttempts.Get(request) + 1);
        }

        return new ValueTask<TimeSpan>(timeout);
    }
}
