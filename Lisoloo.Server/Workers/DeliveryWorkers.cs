using Lisoloo.Sdk;
using Lisoloo.Server.Carriers;
using Lisoloo.Server.Configuration;
using Lisoloo.Server.Hosting;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Workers;

/// <summary>Runs one claim-and-apply step in a loop: immediately again while there was a full batch, else after a hint or the poll interval.</summary>
internal abstract class LoopWorker(ILogger logger, TimeProvider time) : BackgroundService
{
    protected TimeProvider Time => time;

    /// <summary>One step; returns true when more work is probably waiting right now.</summary>
    protected abstract Task<bool> StepAsync(CancellationToken stoppingToken);

    /// <summary>How long to sleep: until <paramref name="dueAtMs"/> (unix ms) when that is sooner than <paramref name="poll"/>.</summary>
    protected TimeSpan SleepUntil(long? dueAtMs, TimeSpan poll)
    {
        if (dueAtMs is not { } at)
        {
            return poll;
        }

        var until = DateTimeOffset.FromUnixTimeMilliseconds(at) - time.GetUtcNow();
        return until < TimeSpan.Zero ? TimeSpan.Zero : until < poll ? until : poll;
    }

    /// <summary>Waits for a hint or the poll interval.</summary>
    protected abstract Task IdleAsync(CancellationToken stoppingToken);

    /// <summary>How long to let work gather after an idle wait before the next step (see <c>WorkerOptions.Linger</c>).</summary>
    protected virtual TimeSpan Linger => TimeSpan.Zero;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var more = await StepAsync(stoppingToken).ConfigureAwait(false);
                failures = 0;
                if (!more)
                {
                    await IdleAsync(stoppingToken).ConfigureAwait(false);
                    if (Linger > TimeSpan.Zero)
                    {
                        // Real time on purpose: batching is a cost device, not business time (a test's fake clock would never let it end).
                        await Task.Delay(Linger, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                failures++;
                logger.LogError(ex, "{Worker} step failed ({Failures} in a row); the work stays in the store and is retried", GetType().Name, failures);
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * failures * failures)), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}

/// <summary>Releases due scheduled and recurring occurrences into pending deliveries.</summary>
internal sealed class SchedulerWorker(SqliteStore store, WorkSignals signals, ServerMetrics metrics, IOptions<ServerOptions> options, TimeProvider time, ILogger<SchedulerWorker> logger)
    : LoopWorker(logger, time)
{
    private const int Batch = 50;

    protected override async Task<bool> StepAsync(CancellationToken stoppingToken)
    {
        var next = store.NextScheduledAt();
        var now = Time.GetUtcNow();
        if (next is null || next > now.ToUnixTimeMilliseconds())
        {
            return false;
        }

        metrics.SchedulerLag(now - DateTimeOffset.FromUnixTimeMilliseconds(next.Value));
        var released = await store.ReleaseDueOccurrencesAsync(Batch, stoppingToken).ConfigureAwait(false);
        if (released > 0)
        {
            signals.DeliveriesWaiting();
        }

        return released == Batch;
    }

    protected override Task IdleAsync(CancellationToken stoppingToken)
    {
        return signals.WaitScheduleAsync(SleepUntil(store.NextScheduledAt(), options.Value.Workers.PollInterval), Time, stoppingToken);
    }
}

/// <summary>Claims due deliveries, hands them to the environment's carrier, and stores what it answered.</summary>
internal sealed class DispatchWorker(SqliteStore store, CarrierRouter carriers, WorkSignals signals, ServerMetrics metrics, IOptions<ServerOptions> options, TimeProvider time, ILogger<DispatchWorker> logger)
    : LoopWorker(logger, time)
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(30);

    protected override async Task<bool> StepAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Workers;
        var claim = await store.ClaimDeliveriesAsync(o.BatchSize, o.Lease, carriers.InlineFor, RetryDelay, stoppingToken).ConfigureAwait(false);
        if (claim.Claimed == 0)
        {
            return false;
        }

        signals.EventsWaiting();
        foreach (var (name, sentInline, refusedInline) in claim.Inline)
        {
            metrics.Submitted(name, true, sentInline);
            metrics.Submitted(name, false, refusedInline);
        }

        foreach (var group in claim.ToSubmit.GroupBy(d => d.Environment))
        {
            var batch = group.ToList();
            var carrier = carriers.For(group.Key);
            IReadOnlyList<SubmitResult> results;
            string carrierName;
            if (carrier is null || !carrier.IsReady)
            {
                carrierName = carrier?.Name ?? "none";
                results = batch.Select(d => new SubmitResult(d.DeliveryId, false, null, LisolooErrorCodes.CarrierUnavailable,
                    "No carrier route is available; the message waits and is retried.", null, 0, Retryable: true)).ToList();
            }
            else
            {
                carrierName = carrier.Name;
                results = await carrier.SubmitAsync(batch, stoppingToken).ConfigureAwait(false);
            }

            await store.ApplySubmitResultsAsync(batch, results, carrierName, RetryDelay, stoppingToken).ConfigureAwait(false);
            var sent = results.Count(r => r.Accepted);
            metrics.Submitted(carrierName, true, sent);
            metrics.Submitted(carrierName, false, results.Count - sent);
        }

        signals.EventsWaiting();
        signals.ReceiptsWaiting();
        return claim.Claimed == o.BatchSize;
    }

    protected override Task IdleAsync(CancellationToken stoppingToken) =>
        signals.WaitDeliveriesAsync(options.Value.Workers.PollInterval, Time, stoppingToken);

    protected override TimeSpan Linger => options.Value.Workers.Linger;
}

/// <summary>Applies receipts the carrier announced at submit (the sandbox's) when they fall due.</summary>
internal sealed class ReceiptWorker(SqliteStore store, WorkSignals signals, IOptions<ServerOptions> options, TimeProvider time, ILogger<ReceiptWorker> logger)
    : LoopWorker(logger, time)
{
    protected override async Task<bool> StepAsync(CancellationToken stoppingToken)
    {
        var next = store.NextAnnouncedReceiptAt();
        if (next is null || next > Time.GetUtcNow().ToUnixTimeMilliseconds())
        {
            return false;
        }

        var batch = options.Value.Workers.BatchSize;
        var applied = await store.ApplyDueAnnouncedReceiptsAsync(batch, stoppingToken).ConfigureAwait(false);
        if (applied > 0)
        {
            signals.EventsWaiting();
        }

        return applied == batch;
    }

    protected override Task IdleAsync(CancellationToken stoppingToken)
    {
        return signals.WaitReceiptsAsync(SleepUntil(store.NextAnnouncedReceiptAt(), options.Value.Workers.PollInterval), Time, stoppingToken);
    }

    protected override TimeSpan Linger => options.Value.Workers.Linger;
}

/// <summary>Purges expired idempotency records and rate-limit windows.</summary>
internal sealed class HousekeepingWorker(SqliteStore store, Api.RateLimiter limiter, TimeProvider time, ILogger<HousekeepingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPurge = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                limiter.Trim();
                if (time.GetUtcNow() - lastPurge > TimeSpan.FromHours(1))
                {
                    var purged = await store.PurgeIdempotencyAsync(stoppingToken).ConfigureAwait(false);
                    lastPurge = time.GetUtcNow();
                    logger.LogDebug("Purged {Count} idempotency records older than 24 h", purged);
                }

                await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
