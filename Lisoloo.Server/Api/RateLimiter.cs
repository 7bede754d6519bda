using System.Collections.Concurrent;

namespace Lisoloo.Server.Api;

/// <summary>The rate-limited endpoint families of CONTRACT.md.</summary>
internal enum RateLimitedEndpoint
{
    Send,
    Status,
    Balance,
    Calculate,
    Actions,
}

/// <summary>The state of one key's window after a request was counted (or refused).</summary>
internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds);

/// <summary>
/// Fixed one-minute windows per key and endpoint, aligned on the clock's minute, so <c>60 per minute</c> means at most 60
/// requests between hh:mm:00 and hh:mm:59. One node (SQLite) keeps the counters in memory; the PostgreSQL provider
/// counts in the store so the limit holds across nodes.
/// </summary>
internal sealed class RateLimiter(TimeProvider time)
{
    private readonly ConcurrentDictionary<(long KeyId, RateLimitedEndpoint Endpoint), Window> _windows = new();

    /// <summary>Counts one request of <paramref name="keyId"/> against <paramref name="limit"/> (≤ 0 means unlimited).</summary>
    public RateLimitDecision Acquire(long keyId, RateLimitedEndpoint endpoint, int limit)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var minute = now / 60_000;
        var reset = (int)Math.Ceiling(((minute + 1) * 60_000 - now) / 1000.0);
        if (limit <= 0)
        {
            return new RateLimitDecision(true, 0, 0, reset);
        }

        var window = _windows.GetOrAdd((keyId, endpoint), static _ => new Window());
        lock (window)
        {
            if (window.Minute != minute)
            {
                window.Minute = minute;
                window.Count = 0;
            }

            if (window.Count >= limit)
            {
                return new RateLimitDecision(false, limit, 0, Math.Max(1, reset));
            }

            window.Count++;
            return new RateLimitDecision(true, limit, limit - window.Count, reset);
        }
    }

    /// <summary>Drops windows older than the current minute (called by the housekeeping loop).</summary>
    public void Trim()
    {
        var minute = time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
        foreach (var (key, window) in _windows)
        {
            if (window.Minute < minute)
            {
                _windows.TryRemove(key, out _);
            }
        }
    }

    private sealed class Window
    {
        public long Minute { get; set; } = -1;

        public int Count { get; set; }
    }
}
