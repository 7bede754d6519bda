using Lisoloo.Sdk;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// Balances and the ledger (<see cref="IAccountStore"/>): every movement of money is a ledger row written in the
/// transaction that moves it.
/// </summary>
internal sealed partial class SqliteStore
{
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

    private static AccountBalance? ReadBalance(SqlContext ctx, string where, object value, string? environment)
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

    private static void TopUp(SqlContext ctx, long accountId, long micros, long now)
    {
        var cmd = ctx.Command("UPDATE accounts SET balance_micros = balance_micros + @m WHERE id=@a");
        cmd.Parameters.AddWithValue("@m", micros);
        cmd.Parameters.AddWithValue("@a", accountId);
        cmd.ExecuteNonQuery();
        Ledger(ctx, accountId, "topup", micros, null, now);
    }

    private static void Ledger(SqlContext ctx, long accountId, string kind, long micros, long? sendId, long now)
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
    private static void Refund(SqlContext ctx, long accountId, long sendId, long micros, long now)
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
}
