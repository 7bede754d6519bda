using Lisoloo.Server.Api;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// Rate-limit windows shared by every node: one row per key, endpoint family and clock minute, counted with one atomic
/// upsert per request (<c>INSERT … ON CONFLICT DO UPDATE SET count = count + 1 RETURNING count</c>). Requests are
/// counted whichever node they reach, so a client round-robined over three nodes still gets exactly its limit per
/// minute. Refused requests are counted too (they only raise a count already past the limit).
/// </summary>
internal sealed class PostgresRateLimiter(PostgresStore store, TimeProvider time) : IRateLimiter
{
    /// <inheritdoc/>
    public ValueTask<RateLimitDecision> AcquireAsync(long keyId, RateLimitedEndpoint endpoint, int limit, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (limit <= 0)
        {
            return new(new RateLimitDecision(true, 0, 0, IRateLimiter.ResetSeconds(now)));
        }

        return CountAsync(keyId, endpoint, limit, now, cancellationToken);
    }

    private async ValueTask<RateLimitDecision> CountAsync(long keyId, RateLimitedEndpoint endpoint, int limit, long now, CancellationToken cancellationToken)
    {
        var count = await store.Database.RunAsync(async c => Convert.ToInt64(await Sql.ScalarAsync(c, null, """
            INSERT INTO rate_windows(key_id, endpoint, minute, count) VALUES ($1, $2, $3, 1)
            ON CONFLICT (key_id, endpoint, minute) DO UPDATE SET count = rate_windows.count + 1
            RETURNING count
            """, keyId, (short)endpoint, now / 60_000).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
        return IRateLimiter.Decide(now, limit, count);
    }

    /// <inheritdoc/>
    public async ValueTask TrimAsync(CancellationToken cancellationToken = default)
    {
        var minute = time.GetUtcNow().ToUnixTimeMilliseconds() / 60_000;
        await store.Database.RunAsync(c => Sql.ExecAsync(c, null, "DELETE FROM rate_windows WHERE minute < $1", minute), cancellationToken).ConfigureAwait(false);
    }
}
