using System.Globalization;
using System.Security.Cryptography;
using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// Every SQL statement of the server. Reads run on pooled connections; writes go through the single writer of
/// <see cref="SqliteDatabase"/> (group commit). Money moves only here, always with its ledger row in the same
/// transaction, and the <c>CHECK (balance_micros &gt;= 0)</c> constraint is the last line of defence.
/// </summary>
internal sealed partial class SqliteStore(SqliteDatabase db, TimeProvider time) : ILisolooStore
{
    /// <summary>The SQLite file behind this store (for SQLite-only tests and tools).</summary>
    public SqliteDatabase Database => db;

    /// <inheritdoc/>
    public string Provider => "sqlite";

    /// <inheritdoc/>
    public string Location => db.DataSource;

    /// <inheritdoc/>
    public int WriteQueueDepth => db.QueueDepth;

    /// <inheritdoc/>
    public ValueTask<bool> PingAsync(CancellationToken cancellationToken = default) => new(db.Ping());

    /// <inheritdoc />
    public async Task<string?> ProbeWriteAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            // Nine pages or so into the WAL and an fsync, as a large accept needs (the old blob's pages are reused, so the
            // file does not grow): a one-page write would still fit on a disk too full for real work.
            await db.WriteAsync(ctx => ctx.Exec("INSERT OR REPLACE INTO health_probe(id, data) VALUES (1, randomblob(32768))"), cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (Exception ex) when (StoreOutage.Is(ex))
        {
            return StoreOutage.Describe(ex);
        }
    }

    /// <summary>Nothing to do: <see cref="SqliteDatabase"/> creates the schema when it opens the file.</summary>
    public Task InitializeAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    // ------------------------------------------------------------------ keys and accounts

    /// <summary>Creates the merchant and account when missing, then the key. Returns the key id.</summary>
    public Task<long> CreateKeyAsync(NewApiKey key, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var merchantId = EnsureMerchant(ctx, key.Merchant, now);
        var cmd = ctx.Command("SELECT id FROM accounts WHERE merchant_id=@m AND environment=@e");
        cmd.Parameters.AddWithValue("@m", merchantId);
        cmd.Parameters.AddWithValue("@e", key.Environment);
        var accountId = cmd.ExecuteScalar() is long existing ? existing : 0L;
        if (accountId == 0)
        {
            cmd = ctx.Command("INSERT INTO accounts(merchant_id, environment, currency, unit_price_micros) VALUES (@m,@e,@c,@p) RETURNING id");
            cmd.Parameters.AddWithValue("@m", merchantId);
            cmd.Parameters.AddWithValue("@e", key.Environment);
            cmd.Parameters.AddWithValue("@c", key.Currency);
            cmd.Parameters.AddWithValue("@p", key.UnitPriceMicros);
            accountId = (long)cmd.ExecuteScalar()!;
            if (key.BalanceMicros > 0)
            {
                TopUp(ctx, accountId, key.BalanceMicros, now);
            }
        }

        cmd = ctx.Command("""
            INSERT INTO api_keys(account_id, key_hash, prefix, environment, created_at, webhook_url, webhook_user,
              webhook_password_enc, webhook_secret_enc, webhook_events, default_sender, send_per_minute)
            VALUES (@a,@h,@p,@e,@now,@url,@user,@pw,@secret,@events,@sender,@spm) RETURNING id
            """);
        cmd.Parameters.AddWithValue("@a", accountId);
        cmd.Parameters.AddWithValue("@h", key.KeyHash);
        cmd.Parameters.AddWithValue("@p", key.Prefix);
        cmd.Parameters.AddWithValue("@e", key.Environment);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.Parameters.AddWithValue("@url", (object?)key.WebhookUrl ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@user", (object?)key.WebhookUser ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@pw", (object?)key.WebhookPasswordEncrypted ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@secret", key.WebhookSecretEncrypted);
        cmd.Parameters.AddWithValue("@events", (object?)key.WebhookEvents ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@sender", (object?)key.DefaultSender ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@spm", (object?)key.SendPerMinute ?? DBNull.Value);
        return (long)cmd.ExecuteScalar()!;
    }, cancellationToken);

    /// <summary>True when at least one key exists (revoked or not): the first-run bootstrap runs only on an empty store.</summary>
    public ValueTask<bool> AnyKeyAsync(CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command("SELECT EXISTS(SELECT 1 FROM api_keys)");
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture) == 1;
    }));

    private readonly Auth.KeyCache _keyCache = new(time);

    /// <summary>
    /// <see cref="FindKeyAsync"/> through the key cache: only for requests whose write checks the key again in its
    /// transaction (<c>POST /send</c>), so a revocation still takes effect at once.
    /// </summary>
    public ValueTask<ApiKeyInfo?> FindKeyCachedAsync(byte[] keyHash, CancellationToken cancellationToken = default)
        => _keyCache.FindAsync(keyHash, FindKeyAsync, cancellationToken);

    /// <summary>The active key with this hash, compared in constant time; <see langword="null"/> when unknown or revoked.</summary>
    public ValueTask<ApiKeyInfo?> FindKeyAsync(byte[] keyHash, CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command("""
            SELECT k.id, k.account_id, m.name, k.environment, k.prefix, a.currency, a.unit_price_micros, k.default_sender,
                   k.webhook_url, k.webhook_events, k.webhook_disabled_at, k.send_per_minute, k.status_per_minute,
                   k.balance_per_minute, k.calculate_per_minute, k.key_hash, k.revoked_at
            FROM api_keys k JOIN accounts a ON a.id = k.account_id JOIN merchants m ON m.id = a.merchant_id
            WHERE k.key_hash = @h
            """);
        cmd.Parameters.AddWithValue("@h", keyHash);
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }

        var stored = (byte[])r.GetValue(15);
        if (!CryptographicOperations.FixedTimeEquals(stored, keyHash) || !r.IsDBNull(16))
        {
            return null;
        }

        return new ApiKeyInfo(
            r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetInt64(6),
            NullableString(r, 7), NullableString(r, 8), NullableString(r, 9), !r.IsDBNull(10),
            NullableInt(r, 11), NullableInt(r, 12), NullableInt(r, 13), NullableInt(r, 14));
    }));

    /// <summary>Every key, newest first, without secrets.</summary>
    public ValueTask<IReadOnlyList<ApiKeyListing>> ListKeysAsync(CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command("""
            SELECT k.id, m.name, k.environment, k.prefix, k.created_at, k.revoked_at, k.webhook_url, k.webhook_events, k.webhook_disabled_at
            FROM api_keys k JOIN accounts a ON a.id = k.account_id JOIN merchants m ON m.id = a.merchant_id ORDER BY k.id DESC
            """);
        using var r = cmd.ExecuteReader();
        var list = new List<ApiKeyListing>();
        while (r.Read())
        {
            list.Add(new ApiKeyListing(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetInt64(4),
                NullableLong(r, 5), NullableString(r, 6), NullableString(r, 7), NullableLong(r, 8)));
        }

        return (IReadOnlyList<ApiKeyListing>)list;
    }));

    /// <summary>Revokes a key at once. False when there is no such active key.</summary>
    public Task<bool> RevokeKeyAsync(long keyId, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var cmd = ctx.Command("UPDATE api_keys SET revoked_at=@now WHERE id=@id AND revoked_at IS NULL");
        cmd.Parameters.AddWithValue("@now", Now);
        cmd.Parameters.AddWithValue("@id", keyId);
        return cmd.ExecuteNonQuery() == 1;
    }, cancellationToken);

    /// <summary>
    /// Replaces an active key's webhook secret; the old one keeps signing (beside the new one) until
    /// <paramref name="previousUntil"/> (unix ms), so receivers can switch without losing a delivery. False when no such active key.
    /// </summary>
    public Task<bool> RotateWebhookSecretAsync(long keyId, byte[] newSecretEncrypted, long previousUntil, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var cmd = ctx.Command("""
            UPDATE api_keys SET webhook_secret_prev_enc = webhook_secret_enc, webhook_secret_prev_until = @until, webhook_secret_enc = @new
            WHERE id=@id AND revoked_at IS NULL
            """);
        cmd.Parameters.AddWithValue("@until", previousUntil);
        cmd.Parameters.AddWithValue("@new", newSecretEncrypted);
        cmd.Parameters.AddWithValue("@id", keyId);
        return cmd.ExecuteNonQuery() == 1;
    }, cancellationToken);

    /// <summary>The account's balance, by id.</summary>
    public ValueTask<AccountBalance?> GetBalanceAsync(long accountId, CancellationToken cancellationToken = default)
        => new(db.Query(ctx => ReadBalance(ctx, "a.id = @v", accountId, null)));

    /// <summary>The account's balance, by merchant name and environment.</summary>
    public ValueTask<AccountBalance?> GetBalanceAsync(string merchant, string environment, CancellationToken cancellationToken = default)
        => new(db.Query(ctx => ReadBalance(ctx, "m.name = @v", merchant, environment)));

    /// <summary>Adds credit with its ledger row. Returns the new balance, or null when the account does not exist.</summary>
    public Task<AccountBalance?> TopUpAsync(string merchant, string environment, long micros, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var balance = ReadBalance(ctx, "m.name = @v", merchant, environment);
        if (balance is null)
        {
            return null;
        }

        TopUp(ctx, balance.AccountId, micros, Now);
        return ReadBalance(ctx, "m.name = @v", merchant, environment);
    }, cancellationToken);

    /// <summary>Rebuilds balance and reserved amount from the ledger alone (the consistency check of the tests).</summary>
    public ValueTask<(long Balance, long Reserved)> LedgerTotalsAsync(long accountId, CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command("""
            SELECT COALESCE(SUM(CASE kind WHEN 'topup' THEN amount_micros WHEN 'refund' THEN amount_micros WHEN 'reserve' THEN -amount_micros ELSE 0 END),0),
                   COALESCE(SUM(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'refund' THEN -amount_micros WHEN 'spend' THEN -amount_micros ELSE 0 END),0)
            FROM ledger_entries WHERE account_id=@a
            """);
        cmd.Parameters.AddWithValue("@a", accountId);
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }));

    private static AccountBalance? ReadBalance(WriteContext ctx, string where, object value, string? environment)
    {
        var cmd = ctx.Command($"""
            SELECT a.id, m.name, a.environment, a.balance_micros, a.reserved_micros, a.unit_price_micros, a.currency
            FROM accounts a JOIN merchants m ON m.id = a.merchant_id WHERE {where} {(environment is null ? string.Empty : "AND a.environment = @e")}
            """);
        cmd.Parameters.AddWithValue("@v", value);
        if (environment is not null)
        {
            cmd.Parameters.AddWithValue("@e", environment);
        }

        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new AccountBalance(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetString(6))
            : null;
    }

    private static long EnsureMerchant(WriteContext ctx, string name, long now)
    {
        var cmd = ctx.Command("SELECT id FROM merchants WHERE name=@n");
        cmd.Parameters.AddWithValue("@n", name);
        if (cmd.ExecuteScalar() is long id)
        {
            return id;
        }

        cmd = ctx.Command("INSERT INTO merchants(name, created_at) VALUES (@n,@now) RETURNING id");
        cmd.Parameters.AddWithValue("@n", name);
        cmd.Parameters.AddWithValue("@now", now);
        return (long)cmd.ExecuteScalar()!;
    }

    private static void TopUp(WriteContext ctx, long accountId, long micros, long now)
    {
        var cmd = ctx.Command("UPDATE accounts SET balance_micros = balance_micros + @m WHERE id=@a");
        cmd.Parameters.AddWithValue("@m", micros);
        cmd.Parameters.AddWithValue("@a", accountId);
        cmd.ExecuteNonQuery();
        Ledger(ctx, accountId, "topup", micros, null, now);
    }

    private static void Ledger(WriteContext ctx, long accountId, string kind, long micros, long? sendId, long now)
    {
        if (micros == 0)
        {
            return;
        }

        var cmd = ctx.Command("INSERT INTO ledger_entries(account_id, kind, amount_micros, send_id, created_at) VALUES (@a,@k,@m,@s,@now)");
        cmd.Parameters.AddWithValue("@a", accountId);
        cmd.Parameters.AddWithValue("@k", kind);
        cmd.Parameters.AddWithValue("@m", micros);
        cmd.Parameters.AddWithValue("@s", (object?)sendId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Returns money to the balance for work that will not reach a carrier: account, ledger and the send's refund total.</summary>
    private static void Refund(WriteContext ctx, long accountId, long sendId, long micros, long now)
    {
        if (micros <= 0)
        {
            return;
        }

        var cmd = ctx.Command("UPDATE accounts SET balance_micros = balance_micros + @m, reserved_micros = reserved_micros - @m WHERE id=@a");
        cmd.Parameters.AddWithValue("@m", micros);
        cmd.Parameters.AddWithValue("@a", accountId);
        cmd.ExecuteNonQuery();
        cmd = ctx.Command("UPDATE sends SET refunded_micros = refunded_micros + @m WHERE id=@s");
        cmd.Parameters.AddWithValue("@m", micros);
        cmd.Parameters.AddWithValue("@s", sendId);
        cmd.ExecuteNonQuery();
        Ledger(ctx, accountId, "refund", micros, sendId, now);
    }

    // ------------------------------------------------------------------ accept

    /// <summary>
    /// Stores a send: idempotency check, reserve (refused whole when the balance cannot cover it), send row, occurrence
    /// rows, and for an immediate send its pending delivery rows. Every accept of a group commit is written together by
    /// <see cref="AcceptWriter"/> (which also checks the key is still active); answers after the commit is on disk.
    /// </summary>
    /// <exception cref="Lifecycle.RefusedException">A revoked key, an insufficient balance or an idempotency key reused with another body.</exception>
    public Task<AcceptOutcome> AcceptSendAsync(ApiKeyInfo key, NewSend send, IdempotencyRequest? idempotency, RecordedResponse response, CancellationToken cancellationToken = default)
        => db.WriteGroupedAsync(_acceptWriter ??= new AcceptWriter(time, _keyCache), new AcceptItem(key, send, idempotency, response), cancellationToken);

    private AcceptWriter? _acceptWriter;

    internal static AcceptOutcome? FindIdempotent(WriteContext ctx, long keyId, IdempotencyRequest idempotency, long now)
    {
        var cmd = ctx.Command("SELECT request_hash, status, response FROM idempotency WHERE key_id=@k AND idem_key=@i AND created_at > @since");
        cmd.Parameters.AddWithValue("@k", keyId);
        cmd.Parameters.AddWithValue("@i", idempotency.Key);
        cmd.Parameters.AddWithValue("@since", now - (long)Idempotency.Retention.TotalMilliseconds);
        using var r = cmd.ExecuteReader();
        if (!r.Read())
        {
            return null;
        }

        if (!CryptographicOperations.FixedTimeEquals((byte[])r.GetValue(0), idempotency.RequestHash))
        {
            throw new Lifecycle.IdempotencyKeyReusedException();
        }

        return new AcceptOutcome(new RecordedResponse(r.GetInt32(1), (byte[])r.GetValue(2)), Replayed: true);
    }

    internal static void StoreIdempotent(WriteContext ctx, long keyId, IdempotencyRequest idempotency, RecordedResponse response, long now)
    {
        var cmd = ctx.Command("INSERT OR REPLACE INTO idempotency(key_id, idem_key, request_hash, status, response, created_at) VALUES (@k,@i,@h,@st,@r,@now)");
        cmd.Parameters.AddWithValue("@k", keyId);
        cmd.Parameters.AddWithValue("@i", idempotency.Key);
        cmd.Parameters.AddWithValue("@h", idempotency.RequestHash);
        cmd.Parameters.AddWithValue("@st", response.Status);
        cmd.Parameters.AddWithValue("@r", response.Body);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.ExecuteNonQuery();
    }

    private static void InsertDeliveries(WriteContext ctx, long sendId, int seq, IReadOnlyList<string> recipients, long dueAt, long now)
    {
        // Numbers are E.164 (+ and digits): joining them into a JSON array needs no escaping.
        var cmd = ctx.Command($"INSERT INTO deliveries(send_id, seq, recipient, state, due_at, updated_at, pending_at) SELECT @s, @q, value, '{DeliveryStates.Pending}', @d, @now, @now FROM json_each(@r)");
        cmd.Parameters.AddWithValue("@s", sendId);
        cmd.Parameters.AddWithValue("@q", seq);
        cmd.Parameters.AddWithValue("@r", "[\"" + string.Join("\",\"", recipients) + "\"]");
        cmd.Parameters.AddWithValue("@d", dueAt);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Drops idempotency records older than the retention.</summary>
    public Task<int> PurgeIdempotencyAsync(CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var cmd = ctx.Command("DELETE FROM idempotency WHERE created_at <= @since");
        cmd.Parameters.AddWithValue("@since", Now - (long)Idempotency.Retention.TotalMilliseconds);
        return cmd.ExecuteNonQuery();
    }, cancellationToken);

    // ------------------------------------------------------------------ helpers

    private static string? NullableString(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    private static int? NullableInt(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    private static long? NullableLong(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);
}
