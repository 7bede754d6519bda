using Lisoloo.Server.Configuration;
using Lisoloo.Server.Storage;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Workers;

/// <summary>Applies receipts the carrier announced at submit (the sandbox's) when they fall due.</summary>
internal sealed class ReceiptWorker(IDeliveryStore store, WorkSignals signals, IOptions<ServerOptions> options, TimeProvider time, ILogger<ReceiptWorker> logger)
    : LoopWorker(logger, time)
{
    protected override async Task<bool> StepAsync(CancellationToken stoppingToken)
    {
        var next = await store.NextAnnouncedReceiptAtAsync(stoppingToken).ConfigureAwait(false);
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

    protected override async Task IdleAsync(CancellationToken stoppingToken)
    {
        var next = await store.NextAnnouncedReceiptAtAsync(stoppingToken).ConfigureAwait(false);
        await signals.WaitReceiptsAsync(SleepUntil(next, options.Value.Workers.PollInterval), Time, stoppingToken).ConfigureAwait(false);
    }

    protected override TimeSpan Linger => options.Value.Workers.Linger;
}
