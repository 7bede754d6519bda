using System.Collections.Concurrent;

namespace Lisoloo.Server.RateLimits;

/// <summary>The in-process windows of one node (the SQLite provider).</summary>
internal sealed class RateLimiter(TimeProvider time) : IRateLimiter
{
    private readonly ConcurrentDictionary<(long KeyId, RateLimitedEndpoint Endpoint), Window> _windows = new();

    /// <inheritdoc/>
    public ValueTask<RateLimitDecision> AcquireAsync(long keyId, RateLimitedEndpoint endpoint, int limit, CancellationToken cancellationToken = default)
        => new(Acquire(keyId, endpoint, limit));

    /// <inheritdoc/>
    public ValueTask TrimAsync(CancellationToken cancellationToken = default)
    {
        Trim();
        return ValueTask.CompletedTask;
    }

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

        while (true)
        {
            var window = _windows.GetOrAdd((keyId, endpoint), static _ => new Window());
            lock (window)
            {
                if (window.Retired)
                {
                    continue; // Trim is removing it: count in the window that replaces it
                }

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
    }

    /// <summary>
    /// Drops windows older than the current minute (called by the housekeeping loop). A window is retired under its lock
    /// before it is removed, so a request that raced the removal counts in its successor instead of in a window nobody
    /// reads any more (which would have let one request too many through).
    /// </summary>
    public void Trim()
    {
        var minute = time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
        foreach (var (key, window) in _windows)
        {
            lock (window)
            {
                if (window.Minute >= minute)
                {
                    continue;
                }

                window.Retired = true;
            }

            _windows.TryRemove(new KeyValuePair<(long, RateLimitedEndpoint), Window>(key, window));
        }
    }

    /// <summary>Windows held in memory (for tests: the trim drops the stale ones).</summary>
    internal int WindowCount => _windows.Count;

    private sealed class Window
    {
        public long Minute { get; set; } = -1;

        public bool Retired { get; set; }

        public int Count { get; set; }
    }
}
