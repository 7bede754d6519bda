using System.Buffers;
using Lisoloo.Sdk.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Lisoloo.Sdk.AspNetCore.Internal;

/// <summary>One mapped webhook endpoint: read the raw body, verify, parse, de-duplicate, call the handler.</summary>
internal sealed class WebhookEndpoint
{
    private readonly string _pattern;
    private readonly Func<WebhookEvent, HttpContext, CancellationToken, Task> _handler;
    private readonly IOptionsMonitor<LisolooWebhookOptions> _options;
    private readonly WebhookDeduplicationStore _store;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private VerifierCache? _cache;

    public WebhookEndpoint(
        string pattern,
        Func<WebhookEvent, HttpContext, CancellationToken, Task> handler,
        IOptionsMonitor<LisolooWebhookOptions> options,
        WebhookDeduplicationStore store,
        TimeProvider timeProvider,
        ILogger logger)
    {
        _pattern = pattern;
        _handler = handler;
        _options = options;
        _store = store;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        var options = _options.CurrentValue;
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        var path = request.Path.Value ?? _pattern;

        byte[]? body;
        if (request.ContentLength > options.MaxBodySize)
        {
            body = null;
        }
        else
        {
            try
            {
                body = await ReadBodyAsync(request.Body, options.MaxBodySize, cancellationToken).ConfigureAwait(false);
            }
            catch (BadHttpRequestException ex)
            {
                // The server's own limits (e.g. Kestrel's MaxRequestBodySize) or a broken request.
                context.Response.StatusCode = ex.StatusCode;
                return;
            }
        }

        if (body is null)
        {
            Log.TooLarge(_logger, path, options.MaxBodySize);
            context.Response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        var headers = request.Headers;
        var verification = GetVerifier(options).Verify(
            name => headers.TryGetValue(name, out var values) ? values.ToString() : null,
            body);
        if (!verification.IsValid)
        {
            // No detail in the response: the reason is logged on this side only.
            Log.Refused(_logger, path, verification.FailureReason);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        WebhookEvent webhookEvent;
        try
        {
            webhookEvent = WebhookParser.Parse(body);
        }
        catch (WebhookFormatException ex)
        {
            Log.Malformed(_logger, path, ex.Message);
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var eventType = webhookEvent.Type.Value;
        WebhookDeduplicationStore.Entry? claim;
        try
        {
            claim = await _store.TryClaimAsync(_pattern + "\n" + webhookEvent.Id, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Aborted(_logger, webhookEvent.Id);
            return;
        }

        if (claim is null)
        {
            Log.Duplicate(_logger, webhookEvent.Id, eventType);
            context.Response.StatusCode = StatusCodes.Status200OK;
            return;
        }

        try
        {
            await _handler(webhookEvent, context, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            _store.Abandon(claim);
            Log.Aborted(_logger, webhookEvent.Id);
            return;
        }
#pragma warning disable CA1031 // Any handler failure must become a 500 so that the sender retries.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            _store.Abandon(claim);
            Log.HandlerFailed(_logger, webhookEvent.Id, eventType, ex);
            if (!context.Response.HasStarted)
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            }

            return;
        }

        var status = context.Response.StatusCode;
        if (status is < 200 or > 299)
        {
            // The handler refused the event itself (e.g. 503): let the sender retry it.
            _store.Abandon(claim);
            Log.HandlerRefused(_logger, webhookEvent.Id, eventType, status);
            return;
        }

        _store.Complete(claim);
        Log.Handled(_logger, webhookEvent.Id, eventType, verification.Scheme);
    }

    private WebhookVerifier GetVerifier(LisolooWebhookOptions options)
    {
        // Rebuilt only when the options instance changes (configuration reload, e.g. a secret rotation).
        var cache = Volatile.Read(ref _cache);
        if (cache is not null && ReferenceEquals(cache.Options, options))
        {
            return cache.Verifier;
        }

        var verifierOptions = new WebhookVerifierOptions
        {
            Tolerance = options.Tolerance,
            TimeProvider = _timeProvider,
            BasicUsername = options.BasicUsername,
            BasicPassword = options.BasicPassword,
        };
        foreach (var secret in options.Secrets)
        {
            verifierOptions.Secrets.Add(secret);
        }

        cache = new VerifierCache(options, new WebhookVerifier(verifierOptions));
        Volatile.Write(ref _cache, cache);
        return cache.Verifier;
    }

    /// <summary>Reads the whole body, or returns <see langword="null"/> as soon as it exceeds <paramref name="maxBodySize"/>.</summary>
    private static async Task<byte[]?> ReadBodyAsync(Stream body, long maxBodySize, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = ArrayPool<byte>.Shared.Rent(16 * 1024);
        try
        {
            int read;
            while ((read = await body.ReadAsync(chunk.AsMemory(), cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBodySize)
                {
                    return null;
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }

        return buffer.ToArray();
    }

    private sealed record VerifierCache(LisolooWebhookOptions Options, WebhookVerifier Verifier);
}
