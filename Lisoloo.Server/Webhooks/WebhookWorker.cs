using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Lisoloo.Sdk;
using Lisoloo.Sdk.Webhooks;
using Lisoloo.Server.Auth;
using Lisoloo.Server.Configuration;
using Lisoloo.Server.Diagnostics;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Sending;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Workers;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Webhooks;

/// <summary>
/// Delivers the outbox: claims due events, POSTs them (Basic auth, both signature schemes, <c>Idempotency-Key</c> =
/// event id) with bounded concurrency, and records each outcome. Any 2xx is success; 410 disables the key's webhook URL;
/// everything else is retried at the configured delays (with ±20 % jitter, or the receiver's <c>Retry-After</c> when
/// longer) until 4 attempts in all. Live keys never reach private or loopback addresses unless configured.
/// </summary>
internal sealed class WebhookWorker(
    IEventStore store,
    SecretProtector secrets,
    IHttpClientFactory clients,
    WorkSignals signals,
    ServerMetrics metrics,
    IOptions<ServerOptions> options,
    TimeProvider time,
    ILogger<WebhookWorker> logger) : LoopWorker(logger, time)
{
    /// <summary>The HTTP client for test keys (any address).</summary>
    public const string SandboxClient = "lisoloo-webhooks-test";

    /// <summary>The HTTP client for live keys (public addresses only, unless allowed).</summary>
    public const string LiveClient = "lisoloo-webhooks-live";

    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromHours(1);

    protected override async Task<bool> StepAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Webhooks;
        var batchSize = Math.Max(1, o.Concurrency * 4);
        var claimed = await store.ClaimEventsAsync(batchSize, o.AttemptTimeout + TimeSpan.FromSeconds(15), stoppingToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return false;
        }

        var results = new (ClaimedEvent, EventAttempt)[claimed.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, claimed.Count), new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, o.Concurrency), CancellationToken = stoppingToken },
            async (i, ct) => results[i] = (claimed[i], await AttemptAsync(claimed[i], ct).ConfigureAwait(false))).ConfigureAwait(false);
        await store.ApplyEventAttemptsAsync(results, stoppingToken).ConfigureAwait(false);
        return claimed.Count == batchSize;
    }

    protected override Task IdleAsync(CancellationToken stoppingToken) =>
        signals.WaitEventsAsync(options.Value.Workers.PollInterval, Time, stoppingToken);

    protected override TimeSpan Linger => options.Value.Workers.Linger;

    private async Task<EventAttempt> AttemptAsync(ClaimedEvent evt, CancellationToken stoppingToken)
    {
        var o = options.Value.Webhooks;
        var delays = o.EffectiveRetryDelays;
        var lastAttempt = evt.Attempts > delays.Count;
        int? status = null;
        string? error;
        TimeSpan? retryAfter = null;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, evt.TargetUrl) { Content = new ByteArrayContent(evt.Payload) };
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            request.Headers.UserAgent.ParseAdd("Lisoloo-Webhooks/" + ServerInfo.Version);
            request.Headers.TryAddWithoutValidation("Idempotency-Key", evt.EventId);
            var signing = evt.PreviousSecretEncrypted is null
                ? [secrets.Unprotect(evt.WebhookSecretEncrypted)]
                : new[] { secrets.Unprotect(evt.WebhookSecretEncrypted), secrets.Unprotect(evt.PreviousSecretEncrypted) };
            foreach (var (name, value) in WebhookSigner.Sign(signing, evt.EventId, evt.Payload, Time.GetUtcNow()))
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            if (evt.WebhookUser is not null)
            {
                var password = evt.WebhookPasswordEncrypted is null ? string.Empty : secrets.Unprotect(evt.WebhookPasswordEncrypted);
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(evt.WebhookUser + ":" + password)));
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(o.AttemptTimeout);
            var client = clients.CreateClient(evt.LiveKey && !o.AllowPrivateTargets ? LiveClient : SandboxClient);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                metrics.WebhookAttempt(EventStates.Delivered);
                return new EventAttempt(evt.Id, EventAttemptOutcome.Delivered, status, null, 0);
            }

            if (response.StatusCode == HttpStatusCode.Gone)
            {
                metrics.WebhookAttempt("gone");
                return new EventAttempt(evt.Id, EventAttemptOutcome.Gone, status, "410 Gone: the receiver asked to stop.", 0);
            }

            retryAfter = response.Headers.RetryAfter switch
            {
                { Delta: { } delta } => delta,
                { Date: { } date } => date - Time.GetUtcNow(),
                _ => null,
            };
            error = "HTTP " + status.Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            error = $"No answer within {o.AttemptTimeout.TotalSeconds:0.#} s.";
        }
        catch (HttpRequestException ex)
        {
            error = ex.InnerException is PrivateAddressException ? ex.InnerException.Message : "Connection failed: " + ex.Message;
        }
        catch (PrivateAddressException ex)
        {
            error = ex.Message;
        }

        if (lastAttempt)
        {
            metrics.WebhookAttempt(EventStates.Failed);
            return new EventAttempt(evt.Id, EventAttemptOutcome.Failed, status, error, 0);
        }

        var baseDelay = delays[Math.Min(evt.Attempts - 1, delays.Count - 1)];
        var jittered = TimeSpan.FromMilliseconds(baseDelay.TotalMilliseconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
        if (retryAfter is { } asked && asked > jittered)
        {
            jittered = asked < MaxRetryAfter ? asked : MaxRetryAfter;
        }

        metrics.WebhookAttempt("retry");
        return new EventAttempt(evt.Id, EventAttemptOutcome.Retry, status, error, (Time.GetUtcNow() + jittered).ToUnixTimeMilliseconds());
    }

    /// <summary>A connect callback that refuses private, loopback and link-local addresses after DNS resolution.</summary>
    public static async ValueTask<Stream> ConnectPublicOnlyAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var addresses = await Dns.GetHostAddressesAsync(context.DnsEndPoint.Host, cancellationToken).ConfigureAwait(false);
        var allowed = addresses.Where(a => !CallbackUrls.IsPrivate(a)).ToArray();
        if (allowed.Length == 0)
        {
            throw new PrivateAddressException($"{context.DnsEndPoint.Host} resolves only to private or loopback addresses, which live webhooks may not reach.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
