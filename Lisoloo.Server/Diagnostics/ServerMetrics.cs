using System.Diagnostics.Metrics;
using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Server.Diagnostics;

/// <summary>Counters and gauges under the meter <c>Lisoloo.Server</c> (see docs/server.md).</summary>
internal sealed class ServerMetrics : IDisposable
{
    public const string MeterName = "Lisoloo.Server";

    private readonly Meter _meter;
    private readonly Counter<long> _accepted;
    private readonly Counter<long> _submitted;
    private readonly Counter<long> _webhookAttempts;
    private readonly Histogram<double> _schedulerLag;

    public ServerMetrics(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName, ServerInfo.Version);
        _accepted = _meter.CreateCounter<long>("lisoloo.sms.accepted", "{sms}", "SMS billed by accepted sends.");
        _submitted = _meter.CreateCounter<long>("lisoloo.sms.submitted", "{sms}", "Deliveries handed to a carrier, by result.");
        _webhookAttempts = _meter.CreateCounter<long>("lisoloo.webhooks.attempts", "{attempt}", "Webhook delivery attempts, by outcome.");
        _schedulerLag = _meter.CreateHistogram<double>("lisoloo.scheduler.lag", "s", "How late occurrences were released after their time.");
    }

    /// <summary>
    /// Registers gauges read on demand. A count the store answers at once (SQLite) is reported as read; one that needs a
    /// round trip (PostgreSQL) is refreshed in the background and the gauge reports the last value read, so a metrics
    /// scrape never blocks on the database.
    /// </summary>
    public void ObserveQueues(Func<CancellationToken, ValueTask<long>> pendingDeliveries, Func<int> writeQueue)
    {
        _meter.CreateObservableGauge("lisoloo.deliveries.waiting", () => ObservePending(pendingDeliveries), "{delivery}", "Deliveries waiting for hand-off.");
        _meter.CreateObservableGauge("lisoloo.store.write_queue", writeQueue, "{write}", "Writes queued in this process for the store's writer.");
    }

    private long _lastPending;
    private int _refreshingPending;

    private long ObservePending(Func<CancellationToken, ValueTask<long>> count)
    {
        if (Volatile.Read(ref _refreshingPending) == 1)
        {
            return Interlocked.Read(ref _lastPending);
        }

        var reading = count(CancellationToken.None);
        if (reading.IsCompletedSuccessfully)
        {
            Interlocked.Exchange(ref _lastPending, reading.Result);
            return reading.Result;
        }

        if (Interlocked.Exchange(ref _refreshingPending, 1) == 0)
        {
            _ = RefreshPendingAsync(reading);
        }

        return Interlocked.Read(ref _lastPending);
    }

    private async Task RefreshPendingAsync(ValueTask<long> reading)
    {
        try
        {
            Interlocked.Exchange(ref _lastPending, await reading.ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A failed read keeps the last value; /health reports an unreachable store.
        }
        finally
        {
            Volatile.Write(ref _refreshingPending, 0);
        }
    }

    public void Accepted(string sendingType, long messages) => _accepted.Add(messages, new KeyValuePair<string, object?>("sending_type", sendingType));

    public void Submitted(string carrier, bool accepted, int count) => _submitted.Add(count,
        new KeyValuePair<string, object?>("carrier", carrier), new KeyValuePair<string, object?>("result", accepted ? DeliveryStates.Sent : DeliveryStates.Failed));

    public void WebhookAttempt(string outcome) => _webhookAttempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));

    public void SchedulerLag(TimeSpan lag) => _schedulerLag.Record(lag.TotalSeconds);

    public void Dispose() => _meter.Dispose();
}
