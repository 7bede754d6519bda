using Lisoloo.Sdk;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Workers;

/// <summary>Purges expired idempotency records, carrier leftovers and rate-limit windows.</summary>
internal sealed class HousekeepingWorker(ISendStore sends, ICarrierStore carrierStore, IRateLimiter limiter, TimeProvider time, ILogger<HousekeepingWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var lastPurge = DateTimeOffset.MinValue;
        var failures = new WorkerFailures(logger, nameof(HousekeepingWorker));
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                await limiter.TrimAsync(stoppingToken).ConfigureAwait(false);
                if (time.GetUtcNow() - lastPurge > TimeSpan.FromHours(1))
                {
                    var purged = await sends.PurgeIdempotencyAsync(stoppingToken).ConfigureAwait(false);
                    lastPurge = time.GetUtcNow();
                    WorkerLog.IdempotencyPurged(logger, purged);
                    purged = await carrierStore.PurgeCarrierLeftoversAsync(TimeSpan.FromDays(1), stoppingToken).ConfigureAwait(false);
                    WorkerLog.CarrierLeftoversPurged(logger, purged);
                }

                failures.Succeeded();
                wait = TimeSpan.FromMinutes(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A store error (down, read-only, disk full) must not end the loop: an exception out of ExecuteAsync stops the host.
                wait = failures.Failed(ex);
            }

            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
