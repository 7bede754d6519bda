using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Lisoloo.Server.Api;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>One accept waiting for the writer.</summary>
internal sealed record AcceptItem(ApiKeyInfo Key, NewSend Send, IdempotencyRequest? Idempotency, byte[] Response);

/// <summary>
/// Writes every accept of a group commit together: balances are checked in queue order in memory against one read of
/// each account, then one UPDATE per account, and one multi-row INSERT each for sends, ledger rows, delivery rows and
/// occurrence rows (<c>json_each</c>). An accept the balance cannot cover is refused whole (402) without writing
/// anything for it; the <c>CHECK (balance_micros &gt;= 0)</c> constraint still guards the sum.
/// </summary>
internal sealed class AcceptWriter(TimeProvider time) : IGroupWriter<AcceptItem, AcceptOutcome>
{
    public void Run(WriteContext ctx, IReadOnlyList<AcceptItem> items, GroupOutcome<AcceptOutcome>[] outcomes)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var accepted = new List<int>(items.Count);
        var seenKeys = new Dictionary<(long KeyId, string Key), int>();

        // Balances: one read per account, then every item in queue order.
        var balances = new Dictionary<long, long>();
        foreach (var item in items)
        {
            balances.TryAdd(item.Key.AccountId, 0);
        }

        var read = ctx.Command("SELECT id, balance_micros FROM accounts WHERE id IN (SELECT value FROM json_each(@ids))");
        read.Parameters.AddWithValue("@ids", "[" + string.Join(',', balances.Keys) + "]");
        using (var r = read.ExecuteReader())
        {
            while (r.Read())
            {
                balances[r.GetInt64(0)] = r.GetInt64(1);
            }
        }

        var spent = new Dictionary<long, long>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (item.Idempotency is { } idem)
            {
                if (seenKeys.TryGetValue((item.Key.KeyId, idem.Key), out var first))
                {
                    // The same key twice in one batch: the later one replays (or conflicts with) the earlier one.
                    var earlier = items[first];
                    outcomes[i] = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(earlier.Idempotency!.RequestHash, idem.RequestHash)
                        ? (outcomes[first].Error is { } e ? new(null, e) : new(outcomes[first].Result! with { Replayed = true }, null))
                        : new(null, new ApiErrorException(SqliteStore.IdempotencyConflict()));
                    continue;
                }

                seenKeys[(item.Key.KeyId, idem.Key)] = i;
                try
                {
                    if (SqliteStore.FindIdempotent(ctx, item.Key.KeyId, idem, now) is { } replay)
                    {
                        outcomes[i] = new(replay, null);
                        continue;
                    }
                }
                catch (ApiErrorException ex)
                {
                    outcomes[i] = new(null, ex);
                    continue;
                }
            }

            var available = balances[item.Key.AccountId];
            if (available < item.Send.CostMicros)
            {
                outcomes[i] = new(null, new ApiErrorException(Errors.InsufficientBalance(item.Send.CostMicros, available, item.Key.Currency)));
                continue;
            }

            balances[item.Key.AccountId] = available - item.Send.CostMicros;
            spent[item.Key.AccountId] = spent.GetValueOrDefault(item.Key.AccountId) + item.Send.CostMicros;
            accepted.Add(i);
            outcomes[i] = new(new AcceptOutcome(201, item.Response, Replayed: false), null);
        }

        if (accepted.Count == 0)
        {
            return;
        }

        foreach (var (accountId, micros) in spent)
        {
            var update = ctx.Command("UPDATE accounts SET balance_micros = balance_micros - @c, reserved_micros = reserved_micros + @c WHERE id=@a");
            update.Parameters.AddWithValue("@c", micros);
            update.Parameters.AddWithValue("@a", accountId);
            update.ExecuteNonQuery();
        }

        // Sends, then everything that points at them.
        var insert = ctx.Command("""
            INSERT INTO sends(message_id, key_id, account_id, sending_type, body, sender_id, encoding, segments, recipients,
              total_recipients, occurrences, total_messages, unit_price_micros, total_cost_micros, currency, callback_url,
              timezone, schedule, state, created_at, first_send_at)
            SELECT j.value->>'mid', j.value->>'k', j.value->>'a', j.value->>'t', j.value->>'body', j.value->>'sender', j.value->>'enc',
              j.value->>'seg', j.value->>'rcpt', j.value->>'nr', j.value->>'no', j.value->>'nm', j.value->>'up', j.value->>'cost',
              j.value->>'cur', j.value->>'cb', j.value->>'tz', j.value->>'sch', 'active', @now, j.value->>'first'
            FROM json_each(@rows) AS j
            RETURNING id, message_id
            """);
        insert.Parameters.AddWithValue("@now", now);
        insert.Parameters.AddWithValue("@rows", SendRows(items, accepted, now));
        var sendIds = new Dictionary<string, long>(accepted.Count, StringComparer.Ordinal);
        using (var r = insert.ExecuteReader())
        {
            while (r.Read())
            {
                sendIds[r.GetString(1)] = r.GetInt64(0);
            }
        }

        var ledger = ctx.Command("""
            INSERT INTO ledger_entries(account_id, kind, amount_micros, send_id, created_at)
            SELECT j.value->>0, 'reserve', j.value->>1, j.value->>2, @now FROM json_each(@rows) AS j WHERE j.value->>1 > 0
            """);
        ledger.Parameters.AddWithValue("@now", now);
        ledger.Parameters.AddWithValue("@rows", Rows(accepted, i => [items[i].Key.AccountId, items[i].Send.CostMicros, sendIds[items[i].Send.MessageId]]));
        ledger.ExecuteNonQuery();

        var deliveries = new List<long[]>();
        var deliveryRecipients = new List<string>();
        var occurrences = new List<long[]>();
        foreach (var i in accepted)
        {
            var send = items[i].Send;
            var sendId = sendIds[send.MessageId];
            if (send.SendingType == "immediate")
            {
                var due = now + (send.CancelWithinSeconds * 1000L);
                foreach (var recipient in send.Recipients)
                {
                    deliveries.Add([sendId, due]);
                    deliveryRecipients.Add(recipient);
                }
            }
            else
            {
                for (var q = 0; q < send.OccurrencesAt.Count; q++)
                {
                    occurrences.Add([sendId, q + 1, send.OccurrencesAt[q]]);
                }
            }
        }

        if (deliveries.Count > 0)
        {
            // Recipients are E.164 (+ and digits): they need no JSON escaping.
            var rows = new System.Text.StringBuilder(deliveries.Count * 40).Append('[');
            for (var d = 0; d < deliveries.Count; d++)
            {
                rows.Append(d == 0 ? "[" : ",[").Append(deliveries[d][0].ToString(CultureInfo.InvariantCulture)).Append(",\"")
                    .Append(deliveryRecipients[d]).Append("\",").Append(deliveries[d][1].ToString(CultureInfo.InvariantCulture)).Append(']');
            }

            var cmd = ctx.Command("""
                INSERT INTO deliveries(send_id, seq, recipient, state, due_at, updated_at, pending_at)
                SELECT j.value->>0, 1, j.value->>1, 'pending', j.value->>2, @now, @now FROM json_each(@rows) AS j
                """);
            cmd.Parameters.AddWithValue("@now", now);
            cmd.Parameters.AddWithValue("@rows", rows.Append(']').ToString());
            cmd.ExecuteNonQuery();
        }

        if (occurrences.Count > 0)
        {
            var cmd = ctx.Command("""
                INSERT INTO occurrences(send_id, seq, due_at, state) SELECT j.value->>0, j.value->>1, j.value->>2, 'scheduled' FROM json_each(@rows) AS j
                """);
            cmd.Parameters.AddWithValue("@rows", Rows(Enumerable.Range(0, occurrences.Count).ToList(), o => occurrences[o]));
            cmd.ExecuteNonQuery();
        }

        foreach (var i in accepted)
        {
            if (items[i].Idempotency is { } idem)
            {
                SqliteStore.StoreIdempotent(ctx, items[i].Key.KeyId, idem, 201, items[i].Response, now);
            }
        }
    }

    private static string Rows(List<int> indexes, Func<int, long[]> row)
    {
        var sb = new System.Text.StringBuilder(indexes.Count * 32).Append('[');
        for (var n = 0; n < indexes.Count; n++)
        {
            sb.Append(n == 0 ? "[" : ",[");
            var values = row(indexes[n]);
            for (var v = 0; v < values.Length; v++)
            {
                if (v > 0)
                {
                    sb.Append(',');
                }

                sb.Append(values[v].ToString(CultureInfo.InvariantCulture));
            }

            sb.Append(']');
        }

        return sb.Append(']').ToString();
    }

    private static string SendRows(IReadOnlyList<AcceptItem> items, List<int> accepted, long now)
    {
        var buffer = new ArrayBufferWriter<byte>(accepted.Count * 256);
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartArray();
            foreach (var i in accepted)
            {
                var (key, send) = (items[i].Key, items[i].Send);
                var immediate = send.SendingType == "immediate";
                w.WriteStartObject();
                w.WriteString("mid", send.MessageId);
                w.WriteNumber("k", key.KeyId);
                w.WriteNumber("a", key.AccountId);
                w.WriteString("t", send.SendingType);
                w.WriteString("body", send.Body);
                w.WriteString("sender", send.SenderId);
                w.WriteString("enc", send.Encoding);
                w.WriteNumber("seg", send.Segments);
                w.WriteString("rcpt", string.Join('\n', send.Recipients));
                w.WriteNumber("nr", send.Recipients.Count);
                w.WriteNumber("no", send.OccurrencesAt.Count);
                w.WriteNumber("nm", (long)send.Recipients.Count * send.Segments * send.OccurrencesAt.Count);
                w.WriteNumber("up", key.UnitPriceMicros);
                w.WriteNumber("cost", send.CostMicros);
                w.WriteString("cur", key.Currency);
                w.WriteString("cb", send.CallbackUrl);
                w.WriteString("tz", send.TimeZone);
                w.WriteString("sch", send.ScheduleJson);
                w.WriteNumber("first", immediate ? now + (send.CancelWithinSeconds * 1000L) : send.OccurrencesAt[0]);
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
