using Lisoloo.Server.Configuration;
using Lisoloo.Server.Diagnostics;
using Lisoloo.Server.Storage;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Workers;

internal sealed class SchedulerWorker(IDeliveryStore store, WorkSignals signals, ServerMetrics metrics, IOptions<ServerOptions> options, TimeProvider time, ILogger<SchedulerWorker> logger)
    : LoopWorker(logger, time)
{
    private const int Batch = 50;

    protected override async Task<bool> StepAsync(CancellationToken stoppingToken)
    {
        var next = await store.NextScheduledAtAsync(stoppingToken).ConfigureAwait(false);
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

    protected override async Task IdleAsync(CancellationToken stoppingToken)
    {
        var next = await store.NextScheduledAtAsync(stoppingToken).ConfigureAwait(false);
        await signals.WaitScheduleAsync(SleepUntil(next, options.Value.Workers.PollInterval), Time, stoppingToken).ConfigureAwait(false);
    }
}
