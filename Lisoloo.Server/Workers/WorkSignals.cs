using System.Threading.Channels;

namespace Lisoloo.Server.Workers;

/// <summary>
/// "Work is waiting" hints from the request path to the workers. A hint only shortens a worker's sleep; the work itself
/// is always found in the database, so a lost hint costs at most one poll interval and a crash loses nothing.
/// </summary>
internal sealed class WorkSignals
{
    private readonly Channel<int> _deliveries = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<int> _schedule = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<int> _events = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Channel<int> _receipts = Channel.CreateBounded<int>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Deliveries became due (now, or after <paramref name="delaySeconds"/> of cancel window).</summary>
    public void DeliveriesWaiting(int delaySeconds = 0)
    {
        if (delaySeconds == 0)
        {
            _deliveries.Writer.TryWrite(0);
        }
    }

    /// <summary>Occurrences were added or resumed.</summary>
    public void ScheduleChanged() => _schedule.Writer.TryWrite(0);

    /// <summary>Outbox events were written.</summary>
    public void EventsWaiting() => _events.Writer.TryWrite(0);

    /// <summary>Receipts were announced.</summary>
    public void ReceiptsWaiting() => _receipts.Writer.TryWrite(0);

    public Task WaitDeliveriesAsync(TimeSpan max, TimeProvider time, CancellationToken ct) => WaitAsync(_deliveries, max, time, ct);

    public Task WaitScheduleAsync(TimeSpan max, TimeProvider time, CancellationToken ct) => WaitAsync(_schedule, max, time, ct);

    public Task WaitEventsAsync(TimeSpan max, TimeProvider time, CancellationToken ct) => WaitAsync(_events, max, time, ct);

    public Task WaitReceiptsAsync(TimeSpan max, TimeProvider time, CancellationToken ct) => WaitAsync(_receipts, max, time, ct);

    private static async Task WaitAsync(Channel<int> channel, TimeSpan max, TimeProvider time, CancellationToken ct)
    {
        if (channel.Reader.TryRead(out _))
        {
            return;
        }

        if (max <= TimeSpan.Zero)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(max);
        try
        {
            await channel.Reader.WaitToReadAsync(timeout.Token).ConfigureAwait(false);
            channel.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }
}
