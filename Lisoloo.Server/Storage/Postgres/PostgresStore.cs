using System.Security.Cryptography;
using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// The PostgreSQL provider, for several server nodes over one database. Same observable behaviour as the SQLite
/// provider; what differs is how concurrency is made safe without a single writer: every claim is a row lock taken with
/// <c>FOR UPDATE SKIP LOCKED</c> (leased work also records its node and lease end), balances move with a guarded
/// <c>UPDATE … WHERE balance_micros &gt;= x</c> in the transaction that writes the ledger row, idempotency records are
/// unique rows (<c>INSERT … ON CONFLICT</c>), and transactions that meet a deadlock are run again. See docs/server.md, "PostgreSQL".
/// </summary>
internal sealed partial class PostgresStore : ILisolooStore, IAsyncDisposable
{
    private readonly PostgresDatabase _db;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Auth.KeyCache _keyCache;

    public PostgresStore(PostgresDatabase db, TimeProvider time, int maxBatch, ILogger logger)
    {
        _db = db;
        _time = time;
        _logger = logger;
        _keyCache = new Auth.KeyCache(time);
        _accepts = new AcceptBatcher(this, Math.Max(1, maxBatch));
    }

    /// <summary>This process's name in <c>claimed_by</c> columns: host, process id and a random suffix.</summary>
    public string NodeId { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The database behind this store (for PostgreSQL-only tests and tools).</summary>
    public PostgresDatabase Database => _db;

    // ------------------------------------------------------------------ health

    /// <inheritdoc/>
    public string Provider => "postgres";

    /// <inheritdoc/>
    public string Location => _db.Location;

    /// <inheritdoc/>
    public int WriteQueueDepth => _accepts.QueueDepth;

    /// <inheritdoc/>
    public ValueTask<bool> PingAsync(CancellationToken cancellationToken = default) => _db.PingAsync(cancellationToken);

    /// <inheritdoc/>
    public Task<string?> ProbeWriteAsync(CancellationToken cancellationToken = default) => _db.ProbeWriteAsync(cancellationToken);

    /// <inheritdoc/>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => _db.EnsureSchemaAsync(cancellationToken);

    // ------------------------------------------------------------------ keys

    /// <inheritdoc/>
    public Task<long> CreateKeyAsync(NewApiKey key, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var merchantId = (long)(await Sql.ScalarAsync(c, tx, """
            WITH ins AS (INSERT INTO merchants(name, created_at) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING RETURNING id)
            SELECT id FROM ins UNION ALL SELECT id FROM merchants WHERE name = $1 LIMIT 1
            """, key.Merchant, now).ConfigureAwait(false))!;
        var created = await Sql.FirstAsync(c, tx, """
            INSERT INTO accounts(merchant_id, environment, currency, unit_price_micros) VALUES ($1, $2, $3, $4)
            ON CONFLICT (merchant_id, environment) DO NOTHING RETURNING id
            """, r => r.GetInt64(0), merchantId, key.Environment, key.Currency, key.UnitPriceMicros).ConfigureAwait(false);
        long accountId;
        if (created != 0)
        {
            accountId = created;
            if (key.BalanceMicros > 0)
            {
                await TopUpAsync(c, tx, accountId, key.BalanceMicros, now).ConfigureAwait(false);
            }
        }
        else
        {
            accountId = (long)(await Sql.ScalarAsync(c, tx, "SELECT id FROM accounts WHERE merchant_id=$1 AND environment=$2", merchantId, key.Environment).ConfigureAwait(false))!;
        }

        return (long)(await Sql.ScalarAsync(c, tx, """
            INSERT INTO api_keys(account_id, key_hash, prefix, environment, created_at, webhook_url, webhook_user,
              webhook_password_enc, webhook_secret_enc, webhook_events, default_sender, send_per_minute)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id
            """, accountId, key.KeyHash, key.Prefix, key.Environment, now, Text(key.WebhookUrl), Text(key.WebhookUser),
            Bytes(key.WebhookPasswordEncrypted), key.WebhookSecretEncrypted, Text(key.WebhookEvents), Text(key.DefaultSender), Int(key.SendPerMinute)).ConfigureAwait(false))!;
    }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<bool> AnyKeyAsync(CancellationToken cancellationToken = default) =>
        _db.RunAsync(async c => await Sql.ScalarAsync(c, null, "SELECT EXISTS(SELECT 1 FROM api_keys)").ConfigureAwait(false) is true, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<ApiKeyInfo?> FindKeyCachedAsync(byte[] keyHash, CancellationToken cancellationToken = default)
        => _keyCache.FindAsync(keyHash, FindKeyAsync, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<ApiKeyInfo?> FindKeyAsync(byte[] keyHash, CancellationToken cancellationToken = default) => _db.RunAsync(c => Sql.FirstAsync(c, null, """
        SELECT k.id, k.account_id, m.name, k.environment, k.prefix, a.currency, a.unit_price_micros, k.default_sender,
               k.webhook_url, k.webhook_events, k.webhook_disabled_at, k.send_per_minute, k.status_per_minute,
               k.balance_per_minute, k.calculate_per_minute, k.key_hash, k.revoked_at
        FROM api_keys k JOIN accounts a ON a.id = k.account_id JOIN merchants m ON m.id = a.merchant_id
        WHERE k.key_hash = $1
        """, r =>
        {
            var stored = (byte[])r.GetValue(15);
            if (!CryptographicOperations.FixedTimeEquals(stored, keyHash) || !r.IsDBNull(16))
            {
                return null;
            }

            return new ApiKeyInfo(
                r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6),
                r.NullableString(7), r.NullableString(8), r.NullableString(9), !r.IsDBNull(10),
                r.NullableInt(11), r.NullableInt(12), r.NullableInt(13), r.NullableInt(14));
        }, keyHash), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyList<ApiKeyListing>> ListKeysAsync(CancellationToken cancellationToken = default) => _db.RunAsync(async c =>
        (IReadOnlyList<ApiKeyListing>)await Sql.ListAsync(c, null, """
            SELECT k.id, m.name, k.environment, k.prefix, k.created_at, k.revoked_at, k.webhook_url, k.webhook_events, k.webhook_disabled_at
            FROM api_keys k JOIN accounts a ON a.id = k.account_id JOIN merchants m ON m.id = a.merchant_id ORDER BY k.id DESC
            """, r => new ApiKeyListing(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                r.NullableLong(5), r.NullableString(6), r.NullableString(7), r.NullableLong(8))).ConfigureAwait(false), cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RevokeKeyAsync(long keyId, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
        await Sql.ExecAsync(c, tx, "UPDATE api_keys SET revoked_at=$1 WHERE id=$2 AND revoked_at IS NULL", Now, keyId).ConfigureAwait(false) == 1,
        cancellationToken);

    /// <inheritdoc/>
    public Task<bool> RotateWebhookSecretAsync(long keyId, byte[] newSecretEncrypted, long previousUntil, CancellationToken cancellationToken = default) =>
        _db.InTransactionAsync(async (c, tx) => await Sql.ExecAsync(c, tx, """
            UPDATE api_keys SET webhook_secret_prev_enc = webhook_secret_enc, webhook_secret_prev_until = $1, webhook_secret_enc = $2
            WHERE id=$3 AND revoked_at IS NULL
            """, previousUntil, newSecretEncrypted, keyId).ConfigureAwait(false) == 1, cancellationToken);

    // ------------------------------------------------------------------ accounts

    private const string BalanceSelect = """
        SELECT a.id, m.name, a.environment, a.balance_micros, a.reserved_micros, a.unit_price_micros, a.currency
        FROM accounts a JOIN merchants m ON m.id = a.merchant_id
        """;

    private static AccountBalance MapBalance(NpgsqlDataReader r) =>
        new(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetString(6));

    /// <inheritdoc/>
    public ValueTask<AccountBalance?> GetBalanceAsync(long accountId, CancellationToken cancellationToken = default) =>
        _db.RunAsync(c => Sql.FirstAsync<AccountBalance?>(c, null, BalanceSelect + " WHERE a.id = $1", MapBalance, accountId), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<AccountBalance?> GetBalanceAsync(string merchant, string environment, CancellationToken cancellationToken = default) =>
        _db.RunAsync(c => Sql.FirstAsync<AccountBalance?>(c, null, BalanceSelect + " WHERE m.name = $1 AND a.environment = $2", MapBalance, merchant, environment), cancellationToken);

    /// <inheritdoc/>
    public Task<AccountBalance?> TopUpAsync(string merchant, string environment, long micros, CancellationToken cancellationToken = default) =>
        _db.InTransactionAsync(async (c, tx) =>
        {
            var accountId = await Sql.ScalarAsync(c, tx, "SELECT a.id FROM accounts a JOIN merchants m ON m.id = a.merchant_id WHERE m.name=$1 AND a.environment=$2",
                merchant, environment).ConfigureAwait(false);
            if (accountId is not long id)
            {
                return null;
            }

            await TopUpAsync(c, tx, id, micros, Now).ConfigureAwait(false);
            return await Sql.FirstAsync<AccountBalance?>(c, tx, BalanceSelect + " WHERE a.id = $1", MapBalance, id).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<(long Balance, long Reserved)> LedgerTotalsAsync(long accountId, CancellationToken cancellationToken = default) => _db.RunAsync(c =>
        Sql.FirstAsync(c, null, """
            SELECT COALESCE(SUM(CASE kind WHEN 'topup' THEN amount_micros WHEN 'refund' THEN amount_micros WHEN 'reserve' THEN -amount_micros ELSE 0 END),0)::bigint,
                   COALESCE(SUM(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'refund' THEN -amount_micros WHEN 'spend' THEN -amount_micros ELSE 0 END),0)::bigint
            FROM ledger_entries WHERE account_id=$1
            """, r => (r.GetInt64(0), r.GetInt64(1)), accountId), cancellationToken);

    private static async Task TopUpAsync(NpgsqlConnection c, NpgsqlTransaction tx, long accountId, long micros, long now)
    {
        await Sql.ExecAsync(c, tx, "UPDATE accounts SET balance_micros = balance_micros + $1 WHERE id=$2", micros, accountId).ConfigureAwait(false);
        await LedgerAsync(c, tx, accountId, "topup", micros, null, now).ConfigureAwait(false);
    }

    private static async Task LedgerAsync(NpgsqlConnection c, NpgsqlTransaction tx, long accountId, string kind, long micros, long? sendId, long now)
    {
        if (micros == 0)
        {
            return;
        }

        await Sql.ExecAsync(c, tx, "INSERT INTO ledger_entries(account_id, kind, amount_micros, send_id, created_at) VALUES ($1,$2,$3,$4,$5)",
            accountId, kind, micros, Long(sendId), now).ConfigureAwait(false);
    }

    /// <summary>Returns money to the balance for work that will not reach a carrier: account, ledger and the send's refund total.</summary>
    private static async Task RefundAsync(NpgsqlConnection c, NpgsqlTransaction tx, long accountId, long sendId, long micros, long now)
    {
        if (micros <= 0)
        {
            return;
        }

        await Sql.ExecAsync(c, tx, "UPDATE accounts SET balance_micros = balance_micros + $1, reserved_micros = reserved_micros - $1 WHERE id=$2", micros, accountId).ConfigureAwait(false);
        await Sql.ExecAsync(c, tx, "UPDATE sends SET refunded_micros = refunded_micros + $1 WHERE id=$2", micros, sendId).ConfigureAwait(false);
        await LedgerAsync(c, tx, accountId, "refund", micros, sendId, now).ConfigureAwait(false);
    }

    // ------------------------------------------------------------------ typed nulls

    private static NpgsqlParameter Long(long? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bigint, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Int(int? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Integer, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Bytes(byte[]? value) => new() { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Bytea, Value = (object?)value ?? DBNull.Value };

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _accepts.DisposeAsync().ConfigureAwait(false);
        await _db.DisposeAsync().ConfigureAwait(false);
    }
}
