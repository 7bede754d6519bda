namespace Lisoloo.Server.Storage;

/// <summary>
/// The store's availability as this process sees it, from the outcome of its writes and of the requests it refused:
/// an outage is logged once when it starts (with the store's reason) and once when it ends (with how long it lasted
/// and how many writes and requests it cost), instead of a stack trace per request. <c>/health</c> reads it.
/// </summary>
/// <remarks>
/// An outage ends at the first successful write that comes <see cref="QuietPeriod"/> after the last failure: on a disk
/// that is nearly full, small writes succeed between large ones that fail, and without that quiet period every such
/// success would end the outage and the next failure start a new one, two log lines each time.
/// </remarks>
internal sealed class StoreOutageMonitor(TimeProvider time, ILogger<StoreOutageMonitor> logger)
{
    /// <summary>How long writes must go without a failure before an outage is over.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private long _lastFailureTicks;
    private volatile bool _failing;
    private string? _reason;
    private DateTimeOffset _since;
    private long _failedWrites;
    private long _refused;
    private long _lastSuccessTicks;

    /// <summary>Gets a value indicating whether an outage is in progress: a write failed for want of the store, and none has succeeded since a quiet period without failures.</summary>
    public bool Failing => _failing;

    /// <summary>Gets the store's reason for the outage in progress, or null.</summary>
    public string? Reason => _failing ? _reason : null;

    /// <summary>Gets when a write last succeeded (the default when none has yet).</summary>
    public DateTimeOffset LastSuccess => new(Interlocked.Read(ref _lastSuccessTicks), TimeSpan.Zero);

    /// <summary>Records a failed write; false when the failure is not an outage (a bug: the caller reports it).</summary>
    public bool WriteFailed(Exception exception)
    {
        if (!StoreOutage.Is(exception))
        {
            return false;
        }

        Interlocked.Increment(ref _failedWrites);
        Start(exception);
        return true;
    }

    /// <summary>Records a request refused (error 1504) because the store failed it.</summary>
    public void Refused(Exception exception)
    {
        Interlocked.Increment(ref _refused);
        Start(exception);
    }

    /// <summary>Records a write that reached the store; ends an outage in progress once writes have stopped failing. Costs one volatile read otherwise.</summary>
    public void WriteSucceeded()
    {
        var now = time.GetUtcNow().UtcTicks;
        Interlocked.Exchange(ref _lastSuccessTicks, now);
        if (!_failing)
        {
            return;
        }

        lock (_gate)
        {
            if (!_failing || now - Interlocked.Read(ref _lastFailureTicks) < QuietPeriod.Ticks)
            {
                return;
            }

            _failing = false;
            StoreLog.Recovered(logger, (time.GetUtcNow() - _since).TotalSeconds, Interlocked.Exchange(ref _failedWrites, 0), Interlocked.Exchange(ref _refused, 0));
        }
    }

    private void Start(Exception exception)
    {
        Interlocked.Exchange(ref _lastFailureTicks, time.GetUtcNow().UtcTicks);
        if (_failing)
        {
            return;
        }

        lock (_gate)
        {
            if (_failing)
            {
                return;
            }

            _reason = StoreOutage.Describe(exception);
            _since = time.GetUtcNow();
            _failing = true;
            StoreLog.Unavailable(logger, _reason);
        }
    }
}
