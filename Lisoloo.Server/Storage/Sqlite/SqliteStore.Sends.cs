using System.Security.Cryptography;
using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// Sends as the API sees them (<see cref="ISendStore"/>): accept, status, cancel, pause and resume, and idempotency
/// records.
/// </summary>
internal sealed partial class SqliteStore
{
    /// <summary>The send with this id in this account, or null (also for another account's message).</summary>
    public ValueTask<SendView?> GetSendAsync(string messageId, long accountId, CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command("""
            SELECT id, message_id, sending_type, state, encoding, segments, sender_id, total_recipients, total_messages,
                   total_cost_micros, refunded_micros, currency, created_at, recipients, first_send_at
            FROM sends WHERE message_id=@m AND account_id=@a
            """);
        cmd.Parameters.AddWithValue("@m", messageId);
        cmd.Parameters.AddWithValue("@a", accountId);
        long sendId;
        SendView view;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read())
            {
                return null;
            }

            sendId = r.GetInt64(0);
            view = new SendView(sendId, r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetInt32(5), NullableString(r, 6),
                r.GetInt32(7), r.GetInt32(8), r.GetInt64(9), r.GetInt64(10), r.GetString(11), r.GetInt64(12), [], [], r.GetString(13).Split('\n'))
            {
                FirstSendAt = r.GetInt64(14),
            };
        }

        var occurrences = new List<OccurrenceView>();
        cmd = ctx.Command("SELECT seq, due_at, state FROM occurrences WHERE send_id=@s ORDER BY seq");
        cmd.Parameters.AddWithValue("@s", sendId);
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                occurrences.Add(new OccurrenceView(r.GetInt32(0), r.GetInt64(1), r.GetString(2)));
            }
        }

        var deliveries = new List<DeliveryView>();
        cmd = ctx.Command($"SELECT seq, recipient, state, error_code, error_message, updated_at, pending_at, queued_at, processing_at, sent_at, accepted_at, final_at, carrier_error FROM deliveries WHERE send_id=@s ORDER BY seq, id LIMIT {StoreLimits.MaxStatusRows}");
        cmd.Parameters.AddWithValue("@s", sendId);
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                deliveries.Add(new DeliveryView(r.GetInt32(0), r.GetString(1), r.GetString(2), NullableInt(r, 3), NullableString(r, 4), r.GetInt64(5), Stages(r))
                {
                    CarrierError = NullableString(r, 12),
                });
            }
        }

        return view with { Occurrences = occurrences, Deliveries = deliveries };
    }));

    /// <summary>The environment of a message that belongs to the same merchant as <paramref name="accountId"/> but another account; null otherwise.</summary>
    public ValueTask<string?> OtherEnvironmentOfAsync(string messageId, long accountId, CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command("""
            SELECT a2.environment FROM sends s JOIN accounts a2 ON a2.id = s.account_id JOIN accounts a1 ON a1.merchant_id = a2.merchant_id
            WHERE s.message_id=@m AND a1.id=@a AND a2.id <> @a
            """);
        cmd.Parameters.AddWithValue("@m", messageId);
        cmd.Parameters.AddWithValue("@a", accountId);
        return cmd.ExecuteScalar() as string;
    }));

    private static readonly string[] StageNames = [DeliveryStates.Pending, DeliveryStates.Queued, DeliveryStates.Processing, DeliveryStates.Sent, DeliveryStates.Accepted];

    /// <summary>The time each stage was reached, from the stage columns (6 … 11) of a delivery row.</summary>
    private static IReadOnlyList<(string State, long At)> Stages(SqliteDataReader r)
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
            stages.Add((r.GetString(2), r.GetInt64(11))); // the terminal state's own name
        }

        return stages;
    }

    /// <summary>Cancels what has not reached the carrier (pending deliveries, scheduled or paused occurrences) and refunds it.</summary>
    public Task<AcceptOutcome> CancelAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default)
        => RunActionAsync(keyId, idempotency, render, ctx => Cancel(ctx, messageId, accountId), cancellationToken);

    private ActionOutcome Cancel(SqlContext ctx, string messageId, long accountId)
    {
        var now = Now;
        var send = FindSendForAction(ctx, messageId, accountId) ?? throw SendActions.NotFound();
        var cmd = ctx.Command($"UPDATE deliveries SET state='{DeliveryStates.Cancelled}', updated_at=@now, lease_until=0, final_at=@now WHERE send_id=@s AND state='{DeliveryStates.Pending}'");
        cmd.Parameters.AddWithValue("@now", now);
        cmd.Parameters.AddWithValue("@s", send.Id);
        var deliveries = cmd.ExecuteNonQuery();
        cmd = ctx.Command($"UPDATE occurrences SET state='{OccurrenceStates.Cancelled}' WHERE send_id=@s AND state IN ('{OccurrenceStates.Scheduled}','{OccurrenceStates.Paused}')");
        cmd.Parameters.AddWithValue("@s", send.Id);
        var outcome = SendActions.Cancelled(send, deliveries, cmd.ExecuteNonQuery()); // throws (rolling back) when nothing was left
        Refund(ctx, send.AccountId, send.Id, outcome.RefundedMicros, now);
        SetSendState(ctx, send.Id, SendStates.Cancelled);
        return outcome;
    }

    /// <summary>Pauses the scheduled occurrences of a scheduled or recurring send.</summary>
    public Task<AcceptOutcome> PauseAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default)
        => RunActionAsync(keyId, idempotency, render, ctx => Pause(ctx, messageId, accountId), cancellationToken);

    private ActionOutcome Pause(SqlContext ctx, string messageId, long accountId)
    {
        var send = FindSendForAction(ctx, messageId, accountId) ?? throw SendActions.NotFound();
        SendActions.CheckPause(send);
        var cmd = ctx.Command($"UPDATE occurrences SET state='{OccurrenceStates.Paused}' WHERE send_id=@s AND state='{OccurrenceStates.Scheduled}'");
        cmd.Parameters.AddWithValue("@s", send.Id);
        var outcome = SendActions.Paused(send, cmd.ExecuteNonQuery());
        SetSendState(ctx, send.Id, SendStates.Paused);
        return outcome;
    }

    /// <summary>Resumes a paused send; occurrences whose time passed while paused are skipped and refunded.</summary>
    public Task<AcceptOutcome> ResumeAsync(string messageId, long accountId, long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, CancellationToken cancellationToken = default)
        => RunActionAsync(keyId, idempotency, render, ctx => Resume(ctx, messageId, accountId), cancellationToken);

    private ActionOutcome Resume(SqlContext ctx, string messageId, long accountId)
    {
        var now = Now;
        var send = FindSendForAction(ctx, messageId, accountId) ?? throw SendActions.NotFound();
        SendActions.CheckResume(send);
        var cmd = ctx.Command($"UPDATE occurrences SET state='{OccurrenceStates.Skipped}' WHERE send_id=@s AND state='{OccurrenceStates.Paused}' AND due_at <= @now");
        cmd.Parameters.AddWithValue("@s", send.Id);
        cmd.Parameters.AddWithValue("@now", now);
        var skipped = cmd.ExecuteNonQuery();
        cmd = ctx.Command($"UPDATE occurrences SET state='{OccurrenceStates.Scheduled}' WHERE send_id=@s AND state='{OccurrenceStates.Paused}'");
        cmd.Parameters.AddWithValue("@s", send.Id);
        var outcome = SendActions.Resumed(send, skipped, cmd.ExecuteNonQuery());
        Refund(ctx, send.AccountId, send.Id, outcome.RefundedMicros, now);
        SetSendState(ctx, send.Id, SendStates.Active);
        return outcome;
    }

    private Task<AcceptOutcome> RunActionAsync(long keyId, IdempotencyRequest? idempotency, Func<ActionOutcome, RecordedResponse> render, Func<SqlContext, ActionOutcome> action, CancellationToken cancellationToken)
        => db.WriteAsync(ctx =>
        {
            if (idempotency is not null && FindIdempotent(ctx, keyId, idempotency, Now) is { } replay)
            {
                return replay;
            }

            var response = render(action(ctx));
            if (idempotency is not null)
            {
                StoreIdempotent(ctx, keyId, idempotency, response, Now);
            }

            return new AcceptOutcome(response, Replayed: false);
        }, cancellationToken);

    private static ActionSend? FindSendForAction(SqlContext ctx, string messageId, long accountId)
    {
        var cmd = ctx.Command("SELECT id, account_id, sending_type, state, total_recipients, segments, unit_price_micros, currency FROM sends WHERE message_id=@m AND account_id=@a");
        cmd.Parameters.AddWithValue("@m", messageId);
        cmd.Parameters.AddWithValue("@a", accountId);
        using var r = cmd.ExecuteReader();
        return r.Read()
            ? new ActionSend(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetInt32(4), r.GetInt32(5), r.GetInt64(6), r.GetString(7))
            : null;
    }

    private static void SetSendState(SqlContext ctx, long sendId, string state)
    {
        var cmd = ctx.Command("UPDATE sends SET state=@st WHERE id=@s");
        cmd.Parameters.AddWithValue("@st", state);
        cmd.Parameters.AddWithValue("@s", sendId);
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// Stores a send: idempotency check, reserve (refused whole when the balance cannot cover it), send row, occurrence
    /// rows, and for an immediate send its pending delivery rows. Every accept of a group commit is written together by
    /// <see cref="AcceptWriter"/> (which also checks the key is still active); answers after the commit is on disk.
    /// </summary>
    /// <exception cref="Lifecycle.RefusedException">A revoked key, an insufficient balance or an idempotency key reused with another body.</exception>
    public Task<AcceptOutcome> AcceptSendAsync(ApiKeyInfo key, NewSend send, IdempotencyRequest? idempotency, RecordedResponse response, CancellationToken cancellationToken = default)
        => db.WriteGroupedAsync(_acceptWriter ??= new AcceptWriter(time, _keyCache), new AcceptItem(key, send, idempotency, response), cancellationToken);

    private AcceptWriter? _acceptWriter;

    internal static AcceptOutcome? FindIdempotent(SqlContext ctx, long keyId, IdempotencyRequest idempotency, long now)
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

    internal static void StoreIdempotent(SqlContext ctx, long keyId, IdempotencyRequest idempotency, RecordedResponse response, long now)
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

    /// <summary>Drops idempotency records older than the retention.</summary>
    public Task<int> PurgeIdempotencyAsync(CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var cmd = ctx.Command("DELETE FROM idempotency WHERE created_at <= @since");
        cmd.Parameters.AddWithValue("@since", Now - (long)Idempotency.Retention.TotalMilliseconds);
        return cmd.ExecuteNonQuery();
    }, cancellationToken);
}
