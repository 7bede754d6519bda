namespace Lisoloo.Server.Workers;

/// <summary>
/// A background loop's failures in a row: the first is logged with its exception and the work stays in the store;
/// the next ones only back off (0.1 s, 0.4 s, … up to 5 s), so an outage does not log a stack trace per step; the first
/// success after them says how many there were. The loop itself never ends on a failure, so the host never stops on one.
/// </summary>
internal sealed class WorkerFailures(ILogger logger, string worker)
{
    private int _count;

    /// <summary>Records a failure; returns how long to wait before the next try.</summary>
    public TimeSpan Failed(Exception exception)
    {
        _count++;
        if (_count == 1)
        {
            WorkerLog.Failed(logger, exception, worker);
        }

        return TimeSpan.FromMilliseconds(Math.Min(5_000, 100 * _count * _count));
    }

    /// <summary>Records a success, saying so when it ends a run of failures.</summary>
    public void Succeeded()
    {
        if (_count > 0)
        {
            WorkerLog.Recovered(logger, worker, _count);
            _count = 0;
        }
    }
}
