namespace Lisoloo.Server.RateLimits;

/// <summary>
/// Counts requests per key and endpoint family in fixed one-minute windows aligned on the clock's minute, so
/// <c>60 per minute</c> means at most 60 requests between hh:mm:00 and hh:mm:59. One node (SQLite) keeps the counters
/// in memory (<see cref="RateLimiter"/>); the PostgreSQL provider counts in the database, so the limit holds across nodes.
/// </summary>
internal interface IRateLimiter
{
    /// <summary>Counts one request of <paramref name="keyId"/> against <paramref name="limit"/> (≤ 0 means unlimited).</summary>
    ValueTask<RateLimitDecision> AcquireAsync(long keyId, RateLimitedEndpoint endpoint, int limit, CancellationToken cancellationToken = default);

    /// <summary>Drops windows older than the current minute (called by the housekeeping loop).</summary>
    ValueTask TrimAsync(CancellationToken cancellationToken = default);

    /// <summary>The decision for a window that counted <paramref name="count"/> requests (this one included) at <paramref name="now"/> (unix ms).</summary>
    static RateLimitDecision Decide(long now, int limit, long count)
    {
        var reset = ResetSeconds(now);
        return count > limit
            ? new RateLimitDecision(false, limit, 0, Math.Max(1, reset))
            : new RateLimitDecision(true, limit, (int)(limit - count), reset);
    }

    /// <summary>Seconds until the minute of <paramref name="now"/> (unix ms) ends.</summary>
    static int ResetSeconds(long now) => (int)Math.Ceiling((((now / 60_000) + 1) * 60_000 - now) / 1000.0);
}
