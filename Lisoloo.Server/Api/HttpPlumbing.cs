using Lisoloo.Sdk;
using Lisoloo.Server.Auth;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Sending;
using Lisoloo.Server.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace Lisoloo.Server.Api;

/// <summary>Request ids, the error middleware, body reading, authentication and rate-limit headers.</summary>
internal static class HttpPlumbing
{
    /// <summary>Largest request body accepted (a 1,000-recipient send is far below it).</summary>
    public const int MaxBodyBytes = RequestRules.MaxBodyBytes;

    /// <summary>
    /// The request id of this request (also in the <c>X-Request-Id</c> header), kept as the request's
    /// <see cref="HttpContext.TraceIdentifier"/> (a field of the context: no per-request items dictionary). Set by the
    /// error middleware, after ASP.NET Core's hosting log scope has read the connection's own identifier, so that scope
    /// does not carry it; the server's own logs name it explicitly.
    /// </summary>
    public static string RequestId(this HttpContext context) => context.TraceIdentifier;

    /// <summary>Assigns the request id and turns every failure into the contract's error envelope: 4xx for the caller's mistakes, 500 (1501) for ours, never a stack trace.</summary>
    public static IApplicationBuilder UseLisolooErrors(this IApplicationBuilder app)
    {
        var outages = app.ApplicationServices.GetRequiredService<StoreOutageMonitor>();
        return app.Use((HttpContext context, RequestDelegate next) => HandleAsync(context, next, outages));
    }

    private static async Task HandleAsync(HttpContext context, RequestDelegate next, StoreOutageMonitor outages)
    {
        // A correlation id, not a secret: 96 bits from the shared PRNG are unique enough, and cost no CSPRNG call per request.
        var requestId = NewRequestId();
        context.TraceIdentifier = requestId;
        context.Response.Headers["X-Request-Id"] = requestId;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (ApiErrorException ex) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, ex.Error).ConfigureAwait(false);
        }
        catch (RequestInvalidException ex) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, Errors.Invalid(ex)).ConfigureAwait(false);
        }
        catch (RefusedException ex) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, Errors.Refused(ex)).ConfigureAwait(false);
        }
        catch (BadHttpRequestException ex) when (!context.Response.HasStarted)
        {
            await WriteErrorAsync(context, ex.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge()
                : new ApiError(400, LisolooErrorCodes.MalformedJson, "The request could not be read: " + ex.Message)).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception ex) when (!context.Response.HasStarted && StoreOutage.Is(ex))
        {
            // The store is down, read-only or full: nothing was done (every write is one transaction), so the caller may
            // simply retry. The monitor logs the outage once, not a stack trace per request.
            outages.Refused(ex);
            await WriteErrorAsync(context, StoreUnavailable()).ConfigureAwait(false);
        }
        catch (Exception ex) when (!context.Response.HasStarted)
        {
            ApiLog.Unhandled(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Lisoloo.Server.Api"), ex, context.Request.Method, context.Request.Path.Value, requestId);
            await WriteErrorAsync(context, new ApiError(500, LisolooErrorCodes.InternalError, "Internal error. Quote the request id to support.")).ConfigureAwait(false);
        }
    }

    /// <summary>The store could not be reached or written (503, 1504, <c>Retry-After</c>): nothing was done, nothing was charged.</summary>
    private static ApiError StoreUnavailable() => new(503, LisolooErrorCodes.ServiceUnavailable,
        "The service cannot reach or write its store right now; nothing was done and nothing was charged. Retry after the Retry-After delay.")
    {
        RetryAfterSeconds = StoreOutage.RetryAfterSeconds,
    };

    /// <summary><c>req_</c> and 24 lowercase hex digits.</summary>
    internal static string NewRequestId() => string.Create(28, 0, static (chars, _) =>
    {
        Span<byte> random = stackalloc byte[12];
        Random.Shared.NextBytes(random);
        "req_".CopyTo(chars);
        Convert.TryToHexStringLower(random, chars[4..], out _);
    });

    public static ApiError TooLarge() => RequestRules.TooLarge();

    /// <summary>Writes an error envelope with its status and headers.</summary>
    public static Task WriteErrorAsync(HttpContext context, ApiError error)
    {
        context.Response.StatusCode = error.Status;
        if (error.RetryAfterSeconds is { } retry)
        {
            context.Response.Headers.RetryAfter = retry.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return WriteJsonAsync(context, error.Status, Envelope.Error(error, context.RequestId()));
    }

    /// <summary>Writes a JSON body.</summary>
    public static Task WriteJsonAsync(HttpContext context, int status, byte[] body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>Reads the whole body (at most <see cref="MaxBodyBytes"/>), refusing other media types than JSON.</summary>
    public static async Task<byte[]> ReadJsonBodyAsync(HttpContext context)
    {
        RequestRules.CheckContentType(context.Request.ContentType);

        if (context.Request.ContentLength > MaxBodyBytes)
        {
            throw new ApiErrorException(TooLarge());
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        var buffer = new byte[context.Request.ContentLength is { } length and > 0 ? (int)length : 4096];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length >= MaxBodyBytes + 1)
                {
                    throw new ApiErrorException(TooLarge());
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxBodyBytes + 1));
            }

            var read = await context.Request.Body.ReadAsync(buffer.AsMemory(total), context.RequestAborted).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            total += read;
            if (total > MaxBodyBytes)
            {
                throw new ApiErrorException(TooLarge());
            }
        }

        RequestRules.CheckNotEmpty(total);

        return total == buffer.Length ? buffer : buffer.AsSpan(0, total).ToArray();
    }

    /// <summary>
    /// The caller's key from the <c>app-key</c> header (or <c>Authorization: Bearer</c>), looked up by hash on every request so
    /// revocation is immediate; with <paramref name="cached"/> through the key cache, for a request whose write checks the key again.
    /// </summary>
    public static ValueTask<ApiKeyInfo> AuthenticateAsync(HttpContext context, IKeyStore store, bool cached = false)
    {
        string? key = context.Request.Headers["app-key"];
        if (string.IsNullOrEmpty(key))
        {
            key = RequestRules.Bearer(context.Request.Headers.Authorization);
        }

        RequestRules.CheckKeyShape(key);
        var hash = KeyMaterial.Hash(key!);
        var found = cached ? store.FindKeyCachedAsync(hash, context.RequestAborted) : store.FindKeyAsync(hash, context.RequestAborted);
        return found.IsCompletedSuccessfully ? new(found.Result ?? throw new ApiErrorException(Errors.InvalidKey())) : AwaitKeyAsync(found);
    }

    private static async ValueTask<ApiKeyInfo> AwaitKeyAsync(ValueTask<ApiKeyInfo?> found)
        => await found.ConfigureAwait(false) ?? throw new ApiErrorException(Errors.InvalidKey());

    /// <summary>Counts the request against the key's limit, sets <c>X-RateLimit-*</c>, and throws 429 (1301) with <c>Retry-After</c> when over.</summary>
    public static ValueTask RateLimitAsync(HttpContext context, IRateLimiter limiter, ApiKeyInfo key, RateLimitedEndpoint endpoint, int limit)
    {
        var acquiring = limiter.AcquireAsync(key.KeyId, endpoint, limit, context.RequestAborted);
        if (acquiring.IsCompletedSuccessfully)
        {
            Apply(context, acquiring.Result);
            return ValueTask.CompletedTask;
        }

        return AwaitDecisionAsync(context, acquiring);
    }

    private static async ValueTask AwaitDecisionAsync(HttpContext context, ValueTask<RateLimitDecision> acquiring)
        => Apply(context, await acquiring.ConfigureAwait(false));

    private static void Apply(HttpContext context, RateLimitDecision decision)
    {
        if (decision.Limit <= 0)
        {
            return;
        }

        var headers = context.Response.Headers;
        headers["X-RateLimit-Limit"] = decision.Limit.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["X-RateLimit-Remaining"] = decision.Remaining.ToString(System.Globalization.CultureInfo.InvariantCulture);
        headers["X-RateLimit-Reset"] = decision.ResetSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!decision.Allowed)
        {
            throw new ApiErrorException(RequestRules.RateLimited(decision));
        }
    }

    /// <summary>The <c>Idempotency-Key</c> header with the SHA-256 of what it protects; null when absent.</summary>
    public static IdempotencyRequest? Idempotency(HttpContext context, ReadOnlySpan<byte> protectedBytes)
        => RequestRules.Idempotency(context.Request.Headers["Idempotency-Key"], protectedBytes);
}
