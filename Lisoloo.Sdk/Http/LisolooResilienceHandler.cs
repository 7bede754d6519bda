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
        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = settings.TotalTimeout, Name = "Lisoloo.TotalTimeout" });

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
                    RequestAttempts.Set(request, args.AttemptNumber + 2);
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

        builder.AddTimeout(new TimeoutStrategyOptions { Timeout = settings.AttemptTimeout, Name = "Lisoloo.AttemptTimeout" });
        return builder.Build();
    }

    /// <inheritdoc />
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Guard.NotNull(request);
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        RequestAttempts.Set(request, 1);
        try
        {
            var outcome = await _pipeline.ExecuteOutcomeAsync(
                static async (ctx, state) =>
                {
                    try
                    {
                        var response = await state.SendCoreAsync(state.Request, ctx.CancellationToken).ConfigureAwait(false);
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

    private Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        => base.SendAsync(request, cancellationToken);

    /// <summary>Whether a request may be sent twice without a second effect.</summary>
    internal static bool IsSafeToRetry(HttpRequestMessage request)
    {
        var method = request.Method;
        return method == HttpMethod.Get || method == HttpMethod.Head || method == HttpMethod.Options
            || request.Headers.Contains("Idempotency-Key");
    }

    /// <summary>Whether an outcome is a transient failure: 408, 429, 5xx, a network error or an attempt timeout (not the caller's cancellation).</summary>
    internal static bool IsTransient(Outcome<HttpResponseMessage> outcome, CancellationToken cancellationToken)
    {
        if (outcome.Exception is { } exception)
        {
            return exception is HttpRequestException or TimeoutRejectedException
                || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);
        }

        var status = (int)outcome.Result!.StatusCode;
        return status is (int)HttpStatusCode.RequestTimeout or 429 || status >= 500;
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
        public HttpRequestMessage Request { get; } = request;

        public Task<HttpResponseMessage> SendCoreAsync(HttpRequestMessage message, CancellationToken cancellationToken)
            => handler.SendCoreAsync(message, cancellationToken);
    }
}
