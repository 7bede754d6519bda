using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// Balances and the ledger (<see cref="IAccountStore"/>): every movement of money is a ledger row written in the
/// transaction that moves it.
/// </summary>
internal sealed partial class PostgresStore
{
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
}
