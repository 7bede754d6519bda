using System.Security.Cryptography;
using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>Status and the message actions (cancel, pause, resume) on PostgreSQL.</summary>
internal sealed partial class PostgresStore
{
    private static readonly string[] StageNames = [DeliveryStates.Pending, DeliveryStates.Queued, DeliveryStates.Processing, DeliveryStates.Sent, DeliveryStates.Accepted];

    /// <inheritdoc/>
    public ValueTask<SendView?> GetSendAsync(string messageId, long accountId, CancellationToken cancellationToken = default) => _db.RunAsync(async c =>
    {
        var view = await Sql.FirstAsync(c, null, """
            SELECT id, message_id, sending_type, state, encoding, segments, sender_id, total_recipients, total_messages,
                   total_cost_micros, refunded_micros, currency, created_at, recipients, first_send_at
            FROM sends WHERE message_id=$1 AND account_id=$2
            """, r => new SendView(r.GetInt64(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), r.NullableString(6),
                r.GetInt32(7), (int)r.GetInt64(8), r.GetInt64(9), r.GetInt64(10), r.GetString(11), r.GetInt64(12), [], [], r.GetString(13).Split('\n'))
            {
                FirstSendAt = r.GetInt64(14),
            }, messageId, accountId).ConfigureAwait(false);
        if (view is null)
        {
            return null;
        }

        var occurrences = await Sql.ListAsync(c, null, "SELECT seq, due_at, state FROM occurrences WHERE send_id=$1 ORDER BY seq",
            r => new OccurrenceView(r.GetInt32(0), r.GetInt64(1), r.GetString(2)), view.SendId).ConfigureAwait(false);
        var deliveries = await Sql.ListAsync(c, null, $"""
            SELECT seq, recipient, state, error_code, error_message, updated_at, pending_at, queued_at, processing_at, sent_at, accepted_at, final_at, carrier_error
            FROM deliveries WHERE send_id=$1 ORDER BY seq, id LIMIT {StoreLimits.MaxStatusRows}
            """, r => new DeliveryView(r.GetInt32(0), r.GetString(1), r.GetString(2), r.NullableInt(3), r.NullableString(4), r.GetInt64(5), Stages(r))
            {
                CarrierError = r.NullableString(12),
            }, view.SendId).ConfigureAwait(false);
        return view with { Occurrences = occurrences, Deliveries = deliveries };
    }, cancellationToken);

    /// <summary>The time each stage was reached, from the stage columns (6 … 11) of a delivery row.</summary>
    private static IReadOnlyList<(string State, long At)> Stages(NpgsqlDataReader r)
    {
        var stages = new List<(string, long)>(6);
        for (var i = 0; i < StageNames.Length; i++)
        {
            if (!r.IsDBNull(6 + i))
            {
                stages.Add((StageNames[i], r.GetInt64(6 + i)));
            }
        }

        if (!r.IsDBNull(11))
        {
            stages.Add((r.GetString(2), r.GetInt64(11)));
        }

        return stages;
    }

    /// <inheritdoc/>
    public ValueTask<string?> OtherEnvironmentOfAsync(string messageId, long accountId, CancellationToken cancellationToken = default) => _db.RunAsync(async c =>
        await Sql.ScalarAsync(c, null, """
            SELECT a2.environment FROM sends s JOIN accounts a2 ON a2.id = s.account_id JOIN accounts a1 ON a1.merchant_id = a2.merchant_id
            WHERE s.message_id=$1 AND a1.id=$2 AND a2.id <> $2
            """, messageId, accountId).ConfigureAwait(false) as string, cancellationToken);

    // ------------------------------------------------------------------ cancel, pause, resume

    /// <inheritdoc/>
    public Task<AcceptOutcome> CancelAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default)
        => RunActionAsync(keyId, idempotency, render, (c, tx) => CancelAsync(c, tx, messageId, accountId), cancellationToken);

    private async Task<ActionOutcome> CancelAsync(NpgsqlConnection c, NpgsqlTransaction tx, string messageId, long accountId)
    {
        var now = Now;
        var send = await FindSendForActionAsync(c, tx, messageId, accountId).ConfigureAwait(false) ?? throw SendActions.NotFound();
        var deliveries = await Sql.ExecAsync(c, tx,
            $"UPDATE deliveries SET state='{DeliveryStates.Cancelled}', updated_at=$1, lease_until=0, final_at=$1 WHERE send_id=$2 AND state='{DeliveryStates.Pending}'", now, send.Id).ConfigureAwait(false);
        var occurrences = await Sql.ExecAsync(c, tx,
            $"UPDATE occurrences SET state='{OccurrenceStates.Cancelled}' WHERE send_id=$1 AND state IN ('{OccurrenceStates.Scheduled}','{OccurrenceStates.Paused}')", send.Id).ConfigureAwait(false);
        var outcome = SendActions.Cancelled(send, deliveries, occurrences); // throws (rolling back) when nothing was left
        await RefundAsync(c, tx, send.AccountId, send.Id, outcome.RefundedMicros, now).ConfigureAwait(false);
        await Sql.ExecAsync(c, tx, $"UPDATE sends SET state='{SendStates.Cancelled}' WHERE id=$1", send.Id).ConfigureAwait(false);
        return outcome;
    }

    /// <inheritdoc/>
    public Task<AcceptOutcome> PauseAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default)
        => RunActionAsync(keyId, idempotency, render, (c, tx) => PauseAsync(c, tx, messageId, accountId), cancellationToken);

    private static async Task<ActionOutcome> PauseAsync(NpgsqlConnection c, NpgsqlTransaction tx, string messageId, long accountId)
    {
        var send = await FindSendForActionAsync(c, tx, messageId, accountId).ConfigureAwait(false) ?? throw SendActions.NotFound();
        SendActions.CheckPause(send);
        var outcome = SendActions.Paused(send, await Sql.ExecAsync(c, tx, $"UPDATE occurrences SET state='{OccurrenceStates.Paused}' WHERE send_id=$1 AND state='{OccurrenceStates.Scheduled}'", send.Id).ConfigureAwait(false));
        await Sql.ExecAsync(c, tx, $"UPDATE sends SET state='{SendStates.Paused}' WHERE id=$1", send.Id).ConfigureAwait(false);
        return outcome;
    }

    /// <inheritdoc/>
    public Task<AcceptOutcome> ResumeAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default)
        => RunActionAsync(keyId, idempotency, render, (c, tx) => ResumeAsync(c, tx, messageId, accountId), cancellationToken);

    private async Task<ActionOutcome> ResumeAsync(NpgsqlConnection c, NpgsqlTransaction tx, string messageId, long accountId)
    {
        var now = Now;
        var send = await FindSendForActionAsync(c, tx, messageId, accountId).ConfigureAwait(false) ?? throw SendActions.NotFound();
        SendActions.CheckResume(send);

        var skipped = await Sql.ExecAsync(c, tx, $"UPDATE occurrences SET state='{OccurrenceStates.Skipped}' WHERE send_id=$1 AND state='{OccurrenceStates.Paused}' AND due_at <= $2", send.Id, now).ConfigureAwait(false);
        var resumed = await Sql.ExecAsync(c, tx, $"UPDATE occurrences SET state='{OccurrenceStates.Scheduled}' WHERE send_id=$1 AND state='{OccurrenceStates.Paused}'", send.Id).ConfigureAwait(false);
        var outcome = SendActions.Resumed(send, skipped, resumed);
        await RefundAsync(c, tx, send.AccountId, send.Id, outcome.RefundedMicros, now).ConfigureAwait(false);
        await Sql.ExecAsync(c, tx, $"UPDATE sends SET state='{SendStates.Active}' WHERE id=$1", send.Id).ConfigureAwait(false);
        return outcome;
    }

    /// <summary>
    /// One action in one transaction. With an <c>Idempotency-Key</c> the transaction first takes an advisory lock on the
    /// (key, Idempotency-Key) pair, so the same key's calls on any node run one after the other and a retry replays the
    /// first success; the send row itself is locked (<c>FOR UPDATE</c>) against concurrent actions and claims.
    /// </summary>
    private Task<AcceptOutcome> RunActionAsync(long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render,
        Func<NpgsqlConnection, NpgsqlTransaction, Task<ActionOutcome>> action, CancellationToken cancellationToken) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        if (idempotency is not null)
        {
            await Sql.ExecAsync(c, tx, "SELECT pg_advisory_xact_lock(hashtextextended($1::bigint || ':' || $2, 0))", keyId, idempotency.Key).ConfigureAwait(false);
            var stored = await Sql.FirstAsync(c, tx, "SELECT request_hash, status, response FROM idempotency WHERE key_id=$1 AND idem_key=$2 AND created_at > $3",
                r => ((byte[])r.GetValue(0), r.GetInt32(1), (byte[])r.GetValue(2)), keyId, idempotency.Key, now - (long)Idempotency.Retention.TotalMilliseconds).ConfigureAwait(false);
            if (stored.Item1 is { } hash)
            {
                return CryptographicOperations.FixedTimeEquals(hash, idempotency.RequestHash)
                    ? new AcceptOutcome(new RecordedResponse(stored.Item2, stored.Item3), Replayed: true)
                    : throw new IdempotencyKeyReusedException();
            }
        }

        var response = render(await action(c, tx).ConfigureAwait(false));
        if (idempotency is not null)
        {
            await Sql.ExecAsync(c, tx, """
                INSERT INTO idempotency(key_id, idem_key, request_hash, status, response, created_at) VALUES ($1,$2,$3,$4,$5,$6)
                ON CONFLICT (key_id, idem_key) DO UPDATE SET request_hash=EXCLUDED.request_hash, status=EXCLUDED.status,
                  response=EXCLUDED.response, created_at=EXCLUDED.created_at
                """, keyId, idempotency.Key, idempotency.RequestHash, response.Status, response.Body, now).ConfigureAwait(false);
        }

        return new AcceptOutcome(response, Replayed: false);
    }, cancellationToken);

    private static Task<ActionSend?> FindSendForActionAsync(NpgsqlConnection c, NpgsqlTransaction tx, string messageId, long accountId) => Sql.FirstAsync<ActionSend?>(c, tx,
        "SELECT id, account_id, sending_type, state, total_recipients, segments, unit_price_micros, currency FROM sends WHERE message_id=$1 AND account_id=$2 FOR UPDATE",
        r => new ActionSend(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5), r.GetInt64(6), r.GetString(7)),
        messageId, accountId);

    /// <inheritdoc/>
    public Task<int> PurgeIdempotencyAsync(CancellationToken cancellationToken = default) => _db.InTransactionAsync((c, tx) =>
        Sql.ExecAsync(c, tx, "DELETE FROM idempotency WHERE created_at <= $1", Now - (long)Idempotency.Retention.TotalMilliseconds), cancellationToken);
}
