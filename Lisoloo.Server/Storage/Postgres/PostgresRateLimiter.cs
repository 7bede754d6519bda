using Lisoloo.Server.RateLimits;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// Rate-limit windows shared by every node: one row per key, endpoint family and clock minute, counted with an atomic
/// upsert (<c>INSERT … ON CONFLICT DO UPDATE SET count = count + n RETURNING count</c>). Requests are counted whichever
/// node they reach, so a client round-robined over three nodes still gets exactly its limit per minute. Refused
/// requests are counted too (they only raise a count already past the limit).
/// <para>
/// A busy key's row is hot: every request of every node updates it. So that the row is not the ceiling of a node's
/// throughput, each node counts one key's requests in groups: while one upsert for (key, endpoint) is in flight, the
/// requests arriving meanwhile wait and are counted together by the next one (<c>count + n</c>), each taking its own
/// place in the returned total. The upsert commits with <c>synchronous_commit = off</c>: a count is worth no disk flush,
/// and a database crash can at worst forget the last fraction of a second of counting (a few requests more than the
/// limit in that minute); a node crash loses nothing.
/// </para>
/// </summary>
internal sealed class PostgresRateLimiter(PostgresStore store, TimeProvider time) : IRateLimiter
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<(long, RateLimitedEndpoint), Counter> _counters = new();

    /// <inheritdoc/>
    public ValueTask<RateLimitDecision> AcquireAsync(long keyId, RateLimitedEndpoint endpoint, int limit, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (limit <= 0)
        {
            return new(new RateLimitDecision(true, 0, 0, IRateLimiter.ResetSeconds(now)));
        }

        while (true)
        {
            var counter = _counters.GetOrAdd((keyId, endpoint), static (k, self) => new Counter(self, k.Item1, k.Item2), this);
            if (counter.CountAsync(limit, cancellationToken) is { } decision)
            {
                return decision;
            }

            // The trim retired that counter (idle, being removed): count with the one that replaces it.
        }
    }

    /// <summary>Counters held in memory, one per key and endpoint family in use (for tests: the trim drops idle ones).</summary>
    internal int CounterCount => _counters.Count;

    /// <inheritdoc/>
    public async ValueTask TrimAsync(CancellationToken cancellationToken = default)
    {
        var minute = time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
        await store.Database.RunAsync(c => Sql.ExecAsync(c, null, "DELETE FROM rate_windows WHERE minute < $1", minute), cancellationToken).ConfigureAwait(false);

        // The in-memory side: a counter with nothing waiting or in flight holds no state worth keeping (the counts are
        // in the database), so idle ones are dropped and the dictionary stays the size of the keys in use, not of every
        // key that ever made a request.
        foreach (var (key, counter) in _counters)
        {
            if (counter.TryRetire())
            {
                _counters.TryRemove(new KeyValuePair<(long, RateLimitedEndpoint), Counter>(key, counter));
            }
        }
    }

    /// <summary>Adds <paramref name="n"/> requests to the current minute's window and returns its count and the minute's time (unix ms).</summary>
    private async Task<(long Count, long Now)> AddAsync(long keyId, RateLimitedEndpoint endpoint, int n)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var count = await store.Database.InTransactionAsync(async (c, tx) =>
        {
            await Sql.ExecAsync(c, tx, "SET LOCAL synchronous_commit = off").ConfigureAwait(false);
            return Convert.ToInt64(await Sql.ScalarAsync(c, tx, """
                INSERT INTO rate_windows(key_id, endpoint, minute, count) VALUES ($1, $2, $3, $4)
                ON CONFLICT (key_id, endpoint, minute) DO UPDATE SET count = rate_windows.count + EXCLUDED.count
                RETURNING count
                """, keyId, (short)endpoint, now / 60_000, (long)n).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }, CancellationToken.None).ConfigureAwait(false);
        return (count, now);
    }

    /// <summary>One key and endpoint: at most one upsert in flight; requests arriving meanwhile are counted by the next.</summary>
    private sealed class Counter(PostgresRateLimiter owner, long keyId, RateLimitedEndpoint endpoint)
    {
        private readonly Lock _lock = new();
        private List<Waiter>? _next;
        private bool _running;
        private bool _retired;

        /// <summary>Retires the counter if nothing is waiting or in flight; a retired counter takes no more requests.</summary>
        public bool TryRetire()
        {
            lock (_lock)
            {
                _retired |= !_running && _next is null;
                return _retired;
            }
        }

        /// <summary>The decision for one more request, or null when the counter was retired (take a fresh one).</summary>
        public ValueTask<RateLimitDecision>? CountAsync(int limit, CancellationToken cancellationToken)
        {
            var me = new Waiter(limit);
            bool start;
            lock (_lock)
            {
                if (_retired)
                {
                    return null;
                }

                (_next ??= []).Add(me);
                start = !_running;
                _running = true;
            }

            if (start)
            {
                _ = Task.Run(RunAsync, CancellationToken.None);
            }

            // The count is taken whether or not this caller still waits: a request counted is a request made.
            return new ValueTask<RateLimitDecision>(me.Decision.Task.WaitAsync(cancellationToken));
        }

        private async Task RunAsync()
        {
            while (true)
            {
                List<Waiter> group;
                lock (_lock)
                {
                    if (_next is null)
                    {
                        _running = false;
                        return;
                    }

                    group = _next;
                    _next = null;
                }

                try
                {
                    var (total, now) = await owner.AddAsync(keyId, endpoint, group.Count).ConfigureAwait(false);
                    var first = total - group.Count;
                    for (var i = 0; i < group.Count; i++)
                    {
                        group[i].Decision.TrySetResult(IRateLimiter.Decide(now, group[i].Limit, first + i + 1));
                    }
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    foreach (var w in group)
                    {
                        w.Decision.TrySetException(ex);
                    }
                }
            }
        }
    }

    private sealed class Waiter(int limit)
    {
        public int Limit { get; } = limit;

        public TaskCompletionSource<RateLimitDecision> Decision { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
