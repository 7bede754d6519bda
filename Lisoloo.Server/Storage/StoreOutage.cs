using Microsoft.Data.Sqlite;
using Npgsql;

namespace Lisoloo.Server.Storage;

/// <summary>
/// Tells a store that cannot be reached or written right now (down, restarting, read-only, out of disk, I/O errors,
/// busy past its timeout) from a bug: the API refuses the first with error 1504 and <c>Retry-After</c> (nothing was done,
/// every write being one transaction), and reports the second as an internal error.
/// </summary>
internal static class StoreOutage
{
    /// <summary>Seconds a client is asked to wait before trying again.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Whether <paramref name="exception"/>, or one it wraps, is the store saying it is unavailable rather than that the
    /// code is wrong. Only the providers' own exceptions count: an I/O error or a timeout from anything else is not the
    /// store's (Npgsql wraps its own in <see cref="NpgsqlException"/>).
    /// </summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                // SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN (primary codes).
                case SqliteException sqlite when (sqlite.SqliteErrorCode & 0xff) is 5 or 6 or 8 or 10 or 13 or 14:
                    return true;
                case PostgresException postgres:
                    return IsOutage(postgres);
                case NpgsqlException:
                    // Not an error PostgreSQL sent: the connection failed, broke, timed out, or the pool had none free.
                    return true;
            }
        }

        return false;
    }

    /// <summary>A short reason, for <c>/health</c> and the log: the store's own words, without a stack trace.</summary>
    public static string Describe(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is SqliteException or NpgsqlException)
            {
                return e.Message.ReplaceLineEndings(" ");
            }
        }

        return exception.Message.ReplaceLineEndings(" ");
    }

    /// <summary>
    /// Errors that end or refuse the session (FATAL, PANIC), and the classes of connection exceptions (08), insufficient
    /// resources such as a full disk (53), operator intervention such as a shutdown (57), system errors (58), and a
    /// read-only transaction on a standby (25006). Constraint, syntax and data errors are bugs, not outages.
    /// </summary>
    private static bool IsOutage(PostgresException e) =>
        e.InvariantSeverity is "FATAL" or "PANIC"
        || e.SqlState.StartsWith("08", StringComparison.Ordinal)
        || e.SqlState.StartsWith("53", StringComparison.Ordinal)
        || e.SqlState.StartsWith("57", StringComparison.Ordinal)
        || e.SqlState.StartsWith("58", StringComparison.Ordinal)
        || e.SqlState == "25006";
}

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
            logger.LogWarning("The store is available again after {Duration:0.0} s: {FailedWrites} writes failed and {Refused} requests were refused (error 1504) meanwhile",
                (time.GetUtcNow() - _since).TotalSeconds, Interlocked.Exchange(ref _failedWrites, 0), Interlocked.Exchange(ref _refused, 0));
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
            logger.LogWarning("The store is unavailable ({Reason}); requests that need it are refused (error 1504) until it is back", _reason);
        }
    }
}
