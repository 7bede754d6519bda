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
