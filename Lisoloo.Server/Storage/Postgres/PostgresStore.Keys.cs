using System.Security.Cryptography;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// App-keys (<see cref="IKeyStore"/>): create, find (also through the key cache), list, revoke and rotate webhook
/// secrets.
/// </summary>
internal sealed partial class PostgresStore
{
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
}
