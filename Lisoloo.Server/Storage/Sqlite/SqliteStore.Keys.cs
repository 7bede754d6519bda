using System.Globalization;
using System.Security.Cryptography;
using Lisoloo.Sdk;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// App-keys (<see cref="IKeyStore"/>): create, find (also through the key cache), list, revoke and rotate webhook
/// secrets.
/// </summary>
internal sealed partial class SqliteStore
{
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

    private static long EnsureMerchant(SqlContext ctx, string name, long now)
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
}
