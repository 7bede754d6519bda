using System.Threading.Channels;
using Lisoloo.Sdk;
using Lisoloo.Server.Carriers;
using Lisoloo.Server.Configuration;
using Lisoloo.Server.Diagnostics;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Storage;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Workers;

/// <summary>
/// Claims due deliveries, hands them to the environment's carrier, and stores what it answered. Batches for carriers
/// that answer over the network (SMPP) are submitted in the background, up to <c>Workers:SubmitConcurrency</c> at
/// once, so the next claim does not wait for the SMSC; their results are stored even while the server stops.
/// </summary>
internal sealed class DispatchWorker(IDeliveryStore store, CarrierRouter carriers, WorkSignals signals, ServerMetrics metrics, IOptions<ServerOptions> options, TimeProvider time, ILogger<DispatchWorker> logger)
    : LoopWorker(logger, time)
{
    private readonly SemaphoreSlim _slots = new(Math.Max(1, options.Value.Workers.SubmitConcurrency));
    private readonly List<Task> _inFlight = [];

    // Deliveries this node has claimed for a network carrier and whose outcome is not stored yet, each held by exactly
    // one batch: their leases are renewed while they are here. Should a lease run out all the same (the process stalled
    // for longer than the renewals allow) and a claim of this node take the row again, it is not submitted a second
    // time: the batch that holds it stores its outcome, and the claim only renewed its lease. (Another node taking it
    // is the lease's at-least-once edge, see docs/server.md.)
    private readonly HashSet<long> _unsettled = [];

    protected override async Task<bool> StepAsync(CancellationToken stoppingToken)
    {
        var o = options.Value.Workers;
        await _slots.WaitAsync(stoppingToken).ConfigureAwait(false);
        DeliveryClaim claim;
        var lease = new DeliveryLease(Time, o.Lease, Time.GetUtcNow()); // counted from before the claim: never later than the store's
        try
        {
            claim = await store.ClaimDeliveriesAsync(o.BatchSize, o.Lease, carriers.InlineFor, o.RetryDelay, stoppingToken).ConfigureAwait(false);
        }
        catch
        {
            _slots.Release();
            throw;
        }

        if (claim.Claimed == 0)
        {
            _slots.Release();
            return false;
        }

        signals.EventsWaiting();
        foreach (var (name, sentInline, refusedInline) in claim.Inline)
        {
            metrics.Submitted(name, true, sentInline);
            metrics.Submitted(name, false, refusedInline);
        }

        if (claim.ToSubmit.Count == 0)
        {
            _slots.Release();
            signals.ReceiptsWaiting();
            return claim.Claimed == o.BatchSize;
        }

        var toSubmit = TakeNotInFlight(claim.ToSubmit).ConvertAll(d => d with { Lease = lease });
        if (toSubmit.Count == 0)
        {
            _slots.Release();
            return claim.Claimed == o.BatchSize;
        }

        var task = SubmitAndApplyAsync(toSubmit, stoppingToken);
        lock (_inFlight)
        {
            _inFlight.RemoveAll(t => t.IsCompleted);
            _inFlight.Add(task);
        }

        return claim.Claimed == o.BatchSize;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await base.ExecuteAsync(stoppingToken).ConfigureAwait(false);
        Task[] pending;
        lock (_inFlight)
        {
            pending = [.. _inFlight];
        }

        await Task.WhenAll(pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    /// <summary>The claimed rows this node does not already have in flight, now marked as in flight.</summary>
    private List<ClaimedDelivery> TakeNotInFlight(IReadOnlyList<ClaimedDelivery> claimed)
    {
        var fresh = new List<ClaimedDelivery>(claimed.Count);
        lock (_unsettled)
        {
            foreach (var d in claimed)
            {
                if (_unsettled.Add(d.DeliveryId))
                {
                    fresh.Add(d);
                }
            }
        }

        if (fresh.Count < claimed.Count)
        {
            WorkerLog.ReclaimedInFlight(logger, claimed.Count - fresh.Count);
        }

        return fresh;
    }

    /// <summary>The outcome of these rows is stored, or they are given up to the next claim: no longer held here.</summary>
    private void Settled(IEnumerable<long> deliveryIds)
    {
        lock (_unsettled)
        {
            foreach (var id in deliveryIds)
            {
                _unsettled.Remove(id);
            }
        }
    }

    private async Task SubmitAndApplyAsync(IReadOnlyList<ClaimedDelivery> claimed, CancellationToken stoppingToken)
    {
        // The lease was taken at the claim; the carrier may need longer than one lease for the whole batch (a slow
        // SMSC, a full window, a store slow to take results), so the rows not stored yet are kept leased meanwhile.
        using var renewing = new CancellationTokenSource();
        var renewal = RenewLeasesAsync(claimed, renewing.Token);
        try
        {
            foreach (var group in claimed.GroupBy(d => d.Environment))
            {
                var batch = group.ToList();
                var carrier = carriers.For(group.Key);
                if (carrier is { IsReady: false })
                {
                    await WaitUntilReadyAsync(carrier, stoppingToken).ConfigureAwait(false);
                }

                if (carrier is null || !carrier.IsReady)
                {
                    var results = batch.Select(d => new SubmitResult(d.DeliveryId, false, null, LisolooErrorCodes.CarrierUnavailable,
                        "No carrier route is available; the message waits and is retried.", null, 0, Retryable: true)
                    {
                        RetryNow = stoppingToken.IsCancellationRequested, // stopping, not down: due again at once after the restart
                    }).ToList();
                    await ApplyAsync(batch, results, carrier?.Name ?? "none").ConfigureAwait(false);
                }
                else
                {
                    await ApplyAsTheyCompleteAsync(batch, carrier.Submit(batch, stoppingToken), carrier.Name).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // The rows not stored yet keep their lease and are claimed again when it ends.
            WorkerLog.BatchSubmitFailed(logger, ex, claimed.Count);
        }
        finally
        {
            await renewing.CancelAsync().ConfigureAwait(false);
            await renewal.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            Settled(claimed.Select(d => d.DeliveryId)); // what is left is the next claim's, this node's included
            _slots.Release();
        }
    }

    /// <summary>
    /// A route that is not ready yet (binding right after a start, reconnecting after a drop) is given up to half a lease
    /// before the batch is put back for <c>Workers:RetryDelay</c>, so a momentary state does not delay the messages.
    /// </summary>
    private async Task WaitUntilReadyAsync(ICarrier carrier, CancellationToken stoppingToken)
    {
        var until = Time.GetUtcNow() + (options.Value.Workers.Lease / 2);
        try
        {
            while (!carrier.IsReady && Time.GetUtcNow() < until)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50), Time, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // stopping: the batch goes back as it is
        }
    }

    /// <summary>Every third of a lease, extends the lease of the batch's rows whose outcome is not stored yet.</summary>
    private async Task RenewLeasesAsync(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken)
    {
        var lease = options.Value.Workers.Lease;
        var every = lease / 3;
        var batchLease = batch.Count > 0 ? batch[0].Lease as DeliveryLease : null;
        while (true)
        {
            await Task.Delay(every, Time, cancellationToken).ConfigureAwait(false);
            long[] ids;
            lock (_unsettled)
            {
                ids = [.. batch.Select(d => d.DeliveryId).Where(_unsettled.Contains)];
            }

            if (ids.Length == 0)
            {
                return;
            }

            try
            {
                var askedAt = Time.GetUtcNow();
                var extended = await store.ExtendLeasesAsync(ids, lease, cancellationToken).ConfigureAwait(false);
                if (extended.Count < ids.Length)
                {
                    // Stored meanwhile (a race with ApplyAsync, harmless), or the lease had already run out (this node
                    // stalled longer than a lease): another node may have claimed those rows, so what of them is not on
                    // the wire yet is given up here (the carrier checks the lease right before each submit).
                    var renewed = extended.ToHashSet();
                    List<long> lost;
                    lock (_unsettled)
                    {
                        lost = [.. ids.Where(id => !renewed.Contains(id) && _unsettled.Contains(id))];
                    }

                    batchLease?.Renewed(askedAt, lease, lost);
                    if (lost.Count > 0)
                    {
                        WorkerLog.LeaseLost(logger, lost.Count);
                    }
                }
                else
                {
                    batchLease?.Renewed(askedAt, lease, []);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
            {
                WorkerLog.LeaseExtensionFailed(logger, ex, ids.Length, every);
            }
        }
    }

    /// <summary>
    /// Stores outcomes in groups as they complete (each group one write, merged with others by the store's group
    /// commit), so what a crash can make the carrier see twice is what was in flight, not the rest of the batch. A
    /// result's <see cref="SubmitResult.Hold"/> is released only once it is stored: that is what bounds a crash's
    /// repeats by the carrier's window rather than by how far the store lags behind.
    /// </summary>
    private async Task ApplyAsTheyCompleteAsync(List<ClaimedDelivery> batch, IReadOnlyList<Task<SubmitResult>> outcomes, string carrierName)
    {
        var done = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
        for (var i = 0; i < outcomes.Count; i++)
        {
            var index = i;
            _ = outcomes[i].ContinueWith(_ => done.Writer.TryWrite(index), CancellationToken.None,
                TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        var left = outcomes.Count;
        var failed = 0;
        var storing = new List<Task>();
        while (left > 0)
        {
            // Never cancelled: what the carrier acknowledged must be stored, even while stopping.
            await done.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false);
            var deliveries = new List<ClaimedDelivery>();
            var results = new List<SubmitResult>();
            while (done.Reader.TryRead(out var index))
            {
                left--;
                var outcome = outcomes[index];
                if (outcome.IsCompletedSuccessfully)
                {
                    deliveries.Add(batch[index]);
                    results.Add(outcome.Result);
                }
                else
                {
                    failed++;
                    if (failed == 1)
                    {
                        WorkerLog.SubmitFailed(logger, outcome.Exception?.GetBaseException(), batch[index].DeliveryId);
                    }

                    Settled([batch[index].DeliveryId]); // its lease runs out and the next claim takes it
                }
            }

            if (results.Count > 0)
            {
                // Not awaited before the next group: the store's group commit merges them, and a result waits for one
                // commit rather than for the previous group's too (its carrier slot is held until then).
                storing.Add(StoreAndReleaseAsync(deliveries, results, carrierName));
            }
        }

        await Task.WhenAll(storing).ConfigureAwait(false);
    }

    private async Task StoreAndReleaseAsync(List<ClaimedDelivery> deliveries, List<SubmitResult> results, string carrierName)
    {
        try
        {
            await ApplyAsync(deliveries, results, carrierName).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            WorkerLog.OutcomesNotStored(logger, ex, results.Count);
        }
        finally
        {
            foreach (var result in results)
            {
                result.Hold?.Dispose();
            }
        }
    }

    private async Task ApplyAsync(List<ClaimedDelivery> deliveries, List<SubmitResult> results, string carrierName)
    {
        try
        {
            // Stored even when stopping: what the carrier acknowledged must not be submitted again after a restart.
            await store.ApplySubmitResultsAsync(deliveries, results, carrierName, options.Value.Workers.RetryDelay, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Settled(deliveries.Select(d => d.DeliveryId));
        }

        var sent = results.Count(r => r.Accepted);
        metrics.Submitted(carrierName, true, sent);
        metrics.Submitted(carrierName, false, results.Count - sent);
        signals.EventsWaiting();
        signals.ReceiptsWaiting();
    }

    protected override Task IdleAsync(CancellationToken stoppingToken) =>
        signals.WaitDeliveriesAsync(options.Value.Workers.PollInterval, Time, stoppingToken);

    protected override TimeSpan Linger => options.Value.Workers.Linger;

    public override void Dispose()
    {
        _slots.Dispose();
        base.Dispose();
    }
}
