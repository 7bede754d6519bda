using Lisoloo.Sdk;
using Lisoloo.Sdk.Webhooks;
using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// What carriers that report later (SMPP) need (<see cref="ICarrierStore"/>): the parts each delivery was submitted as,
/// receipts matched to them (also when a receipt overtakes its <c>submit_sm_resp</c>), receipt deadlines, and inbound
/// messages.
/// </summary>
internal sealed partial class SqliteStore
{
    /// <summary>
    /// Applies part receipts from <paramref name="route"/> in one transaction: each updates its part, and a delivery
    /// moves when its parts say so (every part final → <c>delivered</c> when all were, else the first failed part's
    /// state; an intermediate <c>accepted</c>/<c>unknown</c> shows at once). A receipt whose part is not stored yet is
    /// held and applied when the part is. Duplicates and receipts after a final one change nothing.
    /// </summary>
    public Task<ReceiptApplyCounts> ApplyPartReceiptsAsync(string route, IReadOnlyList<PartReceipt> receipts, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var events = new EventWriter(ctx, now);
        var find = ctx.Command("SELECT delivery_id, state FROM delivery_parts WHERE route=@r AND smsc_id=@id");
        find.Parameters.AddWithValue("@r", route);
        var findId = find.Parameters.Add("@id", Microsoft.Data.Sqlite.SqliteType.Text);
        var hold = ctx.Raw("INSERT OR REPLACE INTO early_receipts(route, smsc_id, receipt_group, state, detail, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
        int matched = 0, held = 0, transitions = 0;
        foreach (var receipt in receipts)
        {
            string? smscId = null;
            (long DeliveryId, string State) part = (0, string.Empty);
            foreach (var candidate in receipt.Candidates)
            {
                findId.Value = candidate;
                using var r = find.ExecuteReader();
                if (r.Read())
                {
                    (smscId, part) = (candidate, (r.GetInt64(0), r.GetString(1)));
                    break;
                }
            }

            if (smscId is null)
            {
                foreach (var candidate in receipt.Candidates)
                {
                    hold.Bind(1, route).Bind(2, candidate).Bind(3, receipt.Candidates[0]).Bind(4, receipt.State).Bind(5, receipt.Detail).Bind(6, now).Execute();
                }

                held++;
                continue;
            }

            matched++;
            transitions += ApplyPart(ctx, events, route, smscId, part.DeliveryId, part.State, receipt.State, receipt.Detail, now);
        }

        return new ReceiptApplyCounts(matched, held, transitions);
    }, cancellationToken);

    /// <summary>
    /// Stores the parts of one submit result (accepted, or retryable with some parts acknowledged) and applies any
    /// receipt that was held for them. Called inside the transaction that applies the result, after the delivery moved
    /// to <c>sent</c>.
    /// </summary>
    private static int StoreParts(SqlContext ctx, EventWriter events, string route, long deliveryId, IReadOnlyList<CarrierPart> parts, long now)
    {
        var insert = ctx.Raw($"INSERT OR REPLACE INTO delivery_parts(route, smsc_id, delivery_id, part, parts, state, updated_at, raw_id) VALUES (?1, ?2, ?3, ?4, ?5, '{DeliveryStates.Sent}', ?6, ?7)");
        foreach (var p in parts)
        {
            insert.Bind(1, route).Bind(2, p.CarrierId).Bind(3, deliveryId).Bind(4, p.Part).Bind(5, p.Parts).Bind(6, now).Bind(7, p.RawId).Execute();
        }

        var transitions = 0;
        var early = ctx.Command("SELECT receipt_group, state, detail FROM early_receipts WHERE route=@r AND smsc_id=@id");
        early.Parameters.AddWithValue("@r", route);
        var id = early.Parameters.Add("@id", Microsoft.Data.Sqlite.SqliteType.Text);
        foreach (var p in parts)
        {
            id.Value = p.CarrierId;
            string? group = null, state = null, detail = null;
            using (var r = early.ExecuteReader())
            {
                if (r.Read())
                {
                    (group, state, detail) = (r.GetString(0), r.GetString(1), NullableString(r, 2));
                }
            }

            if (group is null)
            {
                continue;
            }

            ctx.Raw("DELETE FROM early_receipts WHERE receipt_group=?1").Bind(1, group).Execute();
            transitions += ApplyPart(ctx, events, route, p.CarrierId, deliveryId, DeliveryStates.Sent, state!, detail, now);
        }

        return transitions;
    }

    /// <summary>Parts already acknowledged for deliveries being submitted again (the ones the carrier must skip).</summary>
    private static Dictionary<long, List<int>> ReadAckedParts(SqlContext ctx, IEnumerable<long> deliveryIds)
    {
        var acked = new Dictionary<long, List<int>>();
        var cmd = ctx.Command("SELECT delivery_id, part FROM delivery_parts WHERE delivery_id IN (SELECT value FROM json_each(@ids))");
        cmd.Parameters.AddWithValue("@ids", IdArray(deliveryIds));
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var deliveryId = r.GetInt64(0);
            if (!acked.TryGetValue(deliveryId, out var list))
            {
                acked[deliveryId] = list = [];
            }

            list.Add(r.GetInt32(1));
        }

        return acked;
    }

    /// <summary>Updates one part (found by the caller, in <paramref name="partState"/>) and moves its delivery when the parts say so (<see cref="PartReceipts"/>). Returns 1 when the delivery changed state.</summary>
    private static int ApplyPart(SqlContext ctx, EventWriter events, string route, string smscId, long deliveryId, string partState, string state, string? detail, long now)
    {
        if (!PartReceipts.Changes(partState, state))
        {
            return 0; // a duplicate, or a receipt after the final one
        }

        ctx.Raw("UPDATE delivery_parts SET state=?1, detail=?2, updated_at=?3 WHERE route=?4 AND smsc_id=?5")
            .Bind(1, state).Bind(2, detail).Bind(3, now).Bind(4, route).Bind(5, smscId).Execute();
        return SettleFromParts(ctx, events, deliveryId, state, detail, now);
    }

    /// <summary>Moves a delivery as its parts say after one of them changed to <paramref name="changed"/> (the carrier's words: <paramref name="changedDetail"/>).</summary>
    private static int SettleFromParts(SqlContext ctx, EventWriter events, long deliveryId, string changed, string? changedDetail, long now)
    {
        var cmd = ctx.Command("SELECT state, send_id, seq, recipient FROM deliveries WHERE id=@id");
        cmd.Parameters.AddWithValue("@id", deliveryId);
        string current, recipient;
        long sendId;
        int seq;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read())
            {
                return 0;
            }

            (current, sendId, seq, recipient) = (r.GetString(0), r.GetInt64(1), r.GetInt32(2), r.GetString(3));
        }

        if (!DeliveryStates.AwaitsReceipts(current))
        {
            return 0; // not handed to the carrier yet, or already final: no need to read its parts
        }

        cmd = ctx.Command("SELECT parts, state, detail FROM delivery_parts WHERE delivery_id=@id ORDER BY part");
        cmd.Parameters.AddWithValue("@id", deliveryId);
        var parts = new List<StoredPart>();
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                parts.Add(new StoredPart(r.GetInt32(0), r.GetString(1), NullableString(r, 2)));
            }
        }

        if (PartReceipts.Settle(current, parts, changed, changedDetail) is not { } settled)
        {
            return 0;
        }

        var update = ctx.Raw($"""
            UPDATE deliveries SET state=?1, error_code=?2, error_message=?3, carrier_error=?7, updated_at=?4,
              accepted_at=CASE WHEN ?1='{DeliveryStates.Accepted}' THEN ?4 ELSE accepted_at END,
              final_at=CASE WHEN ?5=1 THEN ?4 ELSE final_at END
            WHERE id=?6
            """);
        _ = settled.ErrorCode is { } c ? update.Bind(2, c) : update.BindNull(2);
        update.Bind(1, settled.State).Bind(3, settled.ErrorMessage).Bind(4, now).Bind(5, settled.IsFinal ? 1 : 0).Bind(6, deliveryId).Bind(7, settled.CarrierError).Execute();

        events.Transition(sendId, seq, recipient, settled.State, current, settled.ErrorCode, settled.ErrorMessage, settled.CarrierError);
        return 1;
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<OverdueDelivery>> ClaimOverdueReceiptsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var rows = new List<(long Id, string Recipient, string? SenderId)>();
        foreach (var row in ctx.Raw($"""
            SELECT d.id, d.recipient, s.sender_id FROM deliveries d JOIN sends s ON s.id = d.send_id
            WHERE d.state IN ('{DeliveryStates.Sent}','{DeliveryStates.Accepted}') AND d.receipt_state IS NULL AND d.due_at <= ?1 ORDER BY d.due_at LIMIT ?2
            """).Bind(1, now).Bind(2, max).Rows())
        {
            rows.Add((row.Int64(0), row.Text(1)!, row.Text(2)));
        }

        if (rows.Count == 0)
        {
            return (IReadOnlyList<OverdueDelivery>)[];
        }

        var leaseUntil = now + (long)lease.TotalMilliseconds;
        var extend = ctx.Raw("UPDATE deliveries SET due_at=?1 WHERE id=?2");
        var parts = new Dictionary<long, List<OverduePart>>();
        foreach (var (id, _, _) in rows)
        {
            extend.Bind(1, leaseUntil).Bind(2, id).Execute();
            parts[id] = [];
        }

        foreach (var row in ctx.Raw("SELECT delivery_id, route, smsc_id, raw_id, state FROM delivery_parts WHERE delivery_id IN (SELECT value FROM json_each(?1)) ORDER BY part")
            .Bind(1, IdArray(rows.Select(r => r.Id))).Rows())
        {
            parts[row.Int64(0)].Add(new OverduePart(row.Text(1)!, row.Text(2)!, row.Text(3), row.Text(4)!));
        }

        return rows.Select(r => new OverdueDelivery(r.Id, r.Recipient, r.SenderId, parts[r.Id])).ToList();
    }, cancellationToken);

    /// <inheritdoc/>
    public Task<int> ResolveWithoutReceiptAsync(IReadOnlyList<(long DeliveryId, string Message, string? CarrierError)> deliveries, CancellationToken cancellationToken = default) =>
        deliveries.Count == 0 ? Task.FromResult(0) : db.WriteAsync(ctx =>
        {
            var now = Now;
            var events = new EventWriter(ctx, now);
            var read = ctx.Raw("SELECT send_id, seq, recipient, state FROM deliveries WHERE id=?1");
            var update = ctx.Raw($"""
                UPDATE deliveries SET state='{DeliveryStates.Unknown}', error_code=?2, error_message=?3, carrier_error=?4, updated_at=?5, due_at=?6
                WHERE id=?1 AND state IN ('{DeliveryStates.Sent}','{DeliveryStates.Accepted}') AND receipt_state IS NULL
                """);
            var changed = 0;
            foreach (var (id, message, carrierError) in deliveries)
            {
                (long SendId, int Seq, string Recipient, string State)? row = null;
                foreach (var r in read.Bind(1, id).Rows())
                {
                    row = (r.Int64(0), (int)r.Int64(1), r.Text(2)!, r.Text(3)!);
                }

                if (row is not { } d || update.Bind(1, id).Bind(2, LisolooErrorCodes.NoReceipt).Bind(3, message).Bind(4, carrierError).Bind(5, now).Bind(6, long.MaxValue).Execute() == 0)
                {
                    continue; // settled by a receipt meanwhile
                }

                events.Transition(d.SendId, d.Seq, d.Recipient, DeliveryStates.Unknown, d.State, LisolooErrorCodes.NoReceipt, message, carrierError);
                changed++;
            }

            return changed;
        }, cancellationToken);

    /// <summary>
    /// Records inbound parts in one transaction. A single message, or the last missing part of a concatenated one,
    /// becomes an <c>sms.received</c> event for the key that owns its destination (when that key has a webhook and
    /// subscribes to the type). Returns how many whole messages were completed.
    /// </summary>
    public Task<int> RecordInboundAsync(IReadOnlyList<(InboundPart Part, long? KeyId)> parts, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var completed = 0;
        foreach (var (part, keyId) in parts)
        {
            string text;
            if (part.Reference is not { } reference || part.Total <= 1)
            {
                text = part.Text;
            }
            else
            {
                ctx.Raw("INSERT OR REPLACE INTO inbound_parts(route, source, destination, reference, total, seq, text, received_at) VALUES (?1,?2,?3,?4,?5,?6,?7,?8)")
                    .Bind(1, part.Route).Bind(2, part.Source).Bind(3, part.Destination).Bind(4, reference).Bind(5, part.Total).Bind(6, part.Sequence)
                    .Bind(7, part.Text).Bind(8, now).Execute();
                var cmd = ctx.Command("""
                    SELECT seq, text FROM inbound_parts WHERE route=@r AND source=@s AND destination=@d AND reference=@ref AND total=@t ORDER BY seq
                    """);
                cmd.Parameters.AddWithValue("@r", part.Route);
                cmd.Parameters.AddWithValue("@s", part.Source);
                cmd.Parameters.AddWithValue("@d", part.Destination);
                cmd.Parameters.AddWithValue("@ref", reference);
                cmd.Parameters.AddWithValue("@t", part.Total);
                var texts = new List<string>(part.Total);
                using (var r = cmd.ExecuteReader())
                {
                    while (r.Read())
                    {
                        texts.Add(r.GetString(1));
                    }
                }

                if (texts.Count < part.Total)
                {
                    continue;
                }

                text = string.Concat(texts);
                ctx.Raw("DELETE FROM inbound_parts WHERE route=?1 AND source=?2 AND destination=?3 AND reference=?4 AND total=?5")
                    .Bind(1, part.Route).Bind(2, part.Source).Bind(3, part.Destination).Bind(4, reference).Bind(5, part.Total).Execute();
            }

            completed++;
            if (keyId is { } key)
            {
                WriteReceivedEvent(ctx, key, part, text, now);
            }
        }

        return completed;
    }, cancellationToken);

    private static void WriteReceivedEvent(SqlContext ctx, long keyId, InboundPart part, string text, long now)
    {
        var cmd = ctx.Command("SELECT webhook_url, webhook_events FROM api_keys WHERE id=@k AND revoked_at IS NULL AND webhook_disabled_at IS NULL");
        cmd.Parameters.AddWithValue("@k", keyId);
        string? url, subscription;
        using (var r = cmd.ExecuteReader())
        {
            if (!r.Read())
            {
                return;
            }

            (url, subscription) = (NullableString(r, 0), NullableString(r, 1));
        }

        var type = WebhookEventType.SmsReceived.Value;
        if (url is null || !EventPayload.Subscribed(subscription, type))
        {
            return;
        }

        var eventId = EventPayload.NewEventId(now);
        var payload = EventPayload.WriteReceived(eventId, now, TimeOrderedId.New(now, 12, "mo_"), part.Destination, part.Source, text, part.Total);
        ctx.Raw($"INSERT INTO events(event_id, key_id, target_url, type, payload, state, next_attempt_at, created_at) VALUES (?1,?2,?3,?4,?5,'{EventStates.Pending}',?6,?6)")
            .Bind(1, eventId).Bind(2, keyId).Bind(3, url).Bind(4, type).Bind(5, payload.AsSpan()).Bind(6, now).Execute();
    }

    /// <summary>Drops held receipts and inbound parts older than <paramref name="age"/> (their part or siblings never came).</summary>
    public Task<int> PurgeCarrierLeftoversAsync(TimeSpan age, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var before = Now - (long)age.TotalMilliseconds;
        return ctx.Raw("DELETE FROM early_receipts WHERE received_at < ?1").Bind(1, before).Execute()
            + ctx.Raw("DELETE FROM inbound_parts WHERE received_at < ?1").Bind(1, before).Execute();
    }, cancellationToken);
}
