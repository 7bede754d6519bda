using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace Lisoloo.Sdk.Http;

/// <summary>
/// A <see cref="DelegatingHandler"/> running each request through a Polly.Core pipeline: total timeout → retry
/// (exponential backoff with jitter, honouring <c>Retry-After</c>) → circuit breaker → attempt timeout.
/// Only safe requests are retried: GET, HEAD and OPTIONS, and any other method that carries an <c>Idempotency-Key</c> header.
/// Synchronous <c>HttpClient.Send</c> (.NET 5 and later) runs through the same pipeline, blocking through its waits.
/// </summary>
/// <remarks>
/// <see cref="LisolooClient"/> and <c>AddLisoloo</c> add this handler for you. Add it yourself to an <see cref="HttpClient"/>
/// you pass to <see cref="LisolooClient(LisolooClientOptions, HttpClient, ILogger{LisolooClient})"/> if you want the same behaviour there.
/// The request body must be re-readable (the client always sends a byte array).
/// </remarks>
public sealed class LisolooResilienceHandler : DelegatingHandler
{
    private static readonly ResiliencePropertyKey<HttpRequestMessage> RequestKey = new("Lisoloo.Request");

    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Initializes a new instance of the <see cref="LisolooResilienceHandler"/> class with its own pipeline.</summary>
    /// <param name="options">Retries, timeouts and breaker settings.</param>
    /// <param name="timeProvider">The clock for delays and timeouts; the system clock when <see langword="null"/>.</param>
    /// <param name="logger">Where retries are logged; nowhere when <see langword="null"/>.</param>
    public LisolooResilienceHandler(LisolooResilienceOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
        : this(CreatePipeline(options, timeProvider ?? TimeProvider.System, logger ?? NullLogger.Instance))
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LisolooResilienceHandler"/> class sharing a pipeline (and so its circuit state).</summary>
    internal LisolooResilienceHandler(ResiliencePipeline<HttpResponseMessage> pipeline)
    {
        _pipeline = pipeline;
    }

    /// <summary>Builds the pipeline the handler runs requests through.</summary>
    internal static ResiliencePipeline<HttpResponseMessage> CreatePipeline(LisolooResilienceOptions options, TimeProvider timeProvider, ILogger logger)
    {
        Guard.NotNull(options);
        Guard.NotNull(timeProvider);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var settings = options.Clone();
        var builder = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = timeProvider };
        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = settings.TotalTimeout,
            Name = "Lisoloo.TotalTimeout",
            OnTimeout = args => RecordTimeout(args.Context, RequestTimeout.Total),
        });

        if (settings.MaxRetryAttempts > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "Lisoloo.Retry",
                MaxRetryAttempts = settings.MaxRetryAttempts,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = settings.UseJitter,
                Delay = settings.BaseDelay,
                MaxDelay = settings.MaxDelay,
                ShouldHandle = args => new ValueTask<bool>(ShouldRetry(args.Outcome, args.Context, settings, timeProvider)),
                DelayGenerator = args => new ValueTask<TimeSpan?>(GetRetryAfter(args.Outcome.Result, timeProvider)),
                OnRetry = args =>
                {
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    LisolooDiagnostics.Retries.Add(1);
                    Log.Retrying(
                        logger,
                        args.AttemptNumber + 1,
                        request.Method.Method,
                        request.RequestUri?.AbsolutePath ?? string.Empty,
                        (long)args.RetryDelay.TotalMilliseconds,
                        args.Outcome.Exception?.GetType().Name ?? ((int)args.Outcome.Result!.StatusCode).ToString(CultureInfo.InvariantCulture));
                    args.Outcome.Result?.Dispose();
                    return default;
                },
            });
        }

        if (settings.CircuitBreakerEnabled)
        {
            builder.AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                Name = "Lisoloo.CircuitBreaker",
                FailureRatio = settings.FailureRatio,
                MinimumThroughput = settings.MinimumThroughput,
                SamplingDuration = settings.SamplingDuration,
                BreakDuration = settings.BreakDuration,
                ShouldHandle = args => new ValueTask<bool>(IsTransient(args.Outcome, args.Context.CancellationToken)),
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions
        {
            Timeout = settings.AttemptTimeout,
            Name = "Lisoloo.AttemptTimeout",
            OnTimeout = args => RecordTimeout(args.Context, RequestTimeout.Attempt),
        });
        return builder.Build();
    }

    /// <summary>Tells the client which timeout fired, so that its exception can say so.</summary>
    private static ValueTask RecordTimeout(ResilienceContext context, RequestTimeout which)
    {
        RequestAttempts.SetTimeout(context.Properties.GetValue(RequestKey, null!), which);
        return default;
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Guard.NotNull(request);
        var context = Prepare(request, cancellationToken);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        var response = await state.Handler.SendCoreAsync(state.NextAttempt(), ctx.CancellationToken).ConfigureAwait(false);
                        return Outcome.FromResult(response);
                    }
                    catch (Exception ex)
                    {
                        return Outcome.FromException<HttpResponseMessage>(ex);
                    }
                },
                context,
                new State(this, request)).ConfigureAwait(false);

            outcome.ThrowIfException();
            return outcome.Result!;
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

#if NET5_0_OR_GREATER
    /// <inheritdoc />
    /// <remarks>
    /// Without this override, <see cref="DelegatingHandler"/> would hand a synchronous send straight to the inner handler,
    /// skipping retries, timeouts and the circuit breaker.
    /// </remarks>
    protected override HttpResponseMessage Send(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Guard.NotNull(request);
        var context = Prepare(request, cancellationToken);
        try
        {
            return _pipeline.Execute(
                static (ctx, state) => state.Handler.SendCore(state.NextAttempt(), ctx.CancellationToken),
                context,
                new State(this, request));
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private HttpResponseMessage SendCore(HttpRequestMessage request, CancellationToken cancellationToken)
        => base.Send(request, cancellationToken);
#endif

    private static ResilienceContext Prepare(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);

        // Counted as attempts start, so that a call cut short in a backoff wait, or refused by an open circuit, reports
        // only the attempts that were really sent.
        RequestAttempts.Set(request, 0);
        return context;
    }

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => base.SendAsync(request, cancellationToken);

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
    /// Whether an outcome is a transient failure: 408, 429, 5xx but 501 (as <see cref="LisolooApiException.IsTransient"/>),
    /// a network error or an attempt timeout (not the caller's cancellation).
    /// </summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or TimeoutRejectedException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);
        }

        var status = (int)outcome.Result!.StatusCode;
        return status is (int)HttpStatusCode.RequestTimeout or 429 || (status >= 500 && status != (int)HttpStatusCode.NotImplemented);
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, LisolooResilienceOptions settings, TimeProvider timeProvider)
    {
        if (!IsTransient(outcome, context.CancellationToken) || outcome.Exception is BrokenCircuitException)
        {
            return false;
        }

        var request = context.Properties.GetValue(RequestKey, null!);
        if (!IsSafeToRetry(request))
        {
            return false;
        }

        // A Retry-After longer than we are willing to wait: hand the answer back rather than sleep on it.
        return GetRetryAfter(outcome.Result, timeProvider) is not { } wait || wait <= settings.MaxRetryAfter;
    }

    /// <summary>Reads <c>Retry-After</c> (seconds or an HTTP date) from an answer.</summary>
    internal static TimeSpan? GetRetryAfter(HttpResponseMessage? response, TimeProvider timeProvider)
    {
        var header = response?.Headers.RetryAfter;
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
            var wait = date - (response!.Headers.Date ?? timeProvider.GetUtcNow());
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private sealed class State(LisolooResilienceHandler handler, HttpRequestMessage request)
    {
        private int _attempts;

        public LisolooResilienceHandler Handler { get; } = handler;

        /// <summary>Counts an attempt that is about to be sent and returns the request to send.</summary>
        public HttpRequestMessage NextAttempt()
        {
            RequestAttempts.Set(request, ++_attempts);
            return request;
        }
    }
}
