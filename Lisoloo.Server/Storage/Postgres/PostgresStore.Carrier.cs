using Lisoloo.Sdk;
using Lisoloo.Sdk.Webhooks;
using Lisoloo.Server.Lifecycle;
using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// What carriers that report later (SMPP) need (<see cref="ICarrierStore"/>): the parts each delivery was submitted as,
/// receipts matched to them (also when a receipt overtakes its <c>submit_sm_resp</c>), receipt deadlines, and inbound
/// messages.
/// <para>
/// Each node binds its own sessions, but parts and receipts
/// live in the shared tables, so a receipt reaching any node finds its part wherever it was submitted. What one node
/// could not race with itself is serialised here: a part's id and a held receipt for it take the same transaction-level
/// advisory lock (so a receipt overtaking its <c>submit_sm_resp</c> on another node is never stranded), a delivery's row
/// is locked while its parts decide its state (so receipts for two parts on two nodes cannot both miss the other), and
/// the parts of one inbound message take a lock on the message.
/// </para>
/// </summary>
internal sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public Task<ReceiptApplyCounts> ApplyPartReceiptsAsync(string route, IReadOnlyList<PartReceipt> receipts, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var events = new EventBuffer(c, tx, now);
        await LockPartIdsAsync(c, tx, route, receipts.SelectMany(r => r.Candidates)).ConfigureAwait(false);
        int matched = 0, held = 0, transitions = 0;
        foreach (var receipt in receipts)
        {
            var found = await Sql.ListAsync(c, tx, "SELECT smsc_id, delivery_id FROM delivery_parts WHERE route=$1 AND smsc_id = ANY($2)",
                r => (Id: r.GetString(0), DeliveryId: r.GetInt64(1)), route, receipt.Candidates.ToArray()).ConfigureAwait(false);
            var smscId = receipt.Candidates.FirstOrDefault(candidate => found.Exists(f => f.Id == candidate));
            if (smscId is null)
            {
                await Sql.ExecAsync(c, tx, """
                    INSERT INTO early_receipts(route, smsc_id, receipt_group, state, detail, received_at)
                    SELECT $1, x, $3, $4, $5, $6 FROM unnest($2::text[]) AS x
                    ON CONFLICT (route, smsc_id) DO UPDATE SET receipt_group=EXCLUDED.receipt_group, state=EXCLUDED.state, detail=EXCLUDED.detail, received_at=EXCLUDED.received_at
                    """, route, receipt.Candidates.Distinct().ToArray(), receipt.Candidates[0], receipt.State, Text(receipt.Detail), now).ConfigureAwait(false);
                held++;
                continue;
            }

            matched++;
            transitions += await ApplyPartAsync(c, tx, events, route, smscId, found.First(f => f.Id == smscId).DeliveryId, receipt.State, receipt.Detail, now).ConfigureAwait(false);
        }

        await events.FlushAsync().ConfigureAwait(false);
        return new ReceiptApplyCounts(matched, held, transitions);
    }, cancellationToken);

    /// <summary>Transaction-level advisory locks on (route, id) pairs, taken in one order so two transactions never deadlock on them.</summary>
    private static Task LockPartIdsAsync(NpgsqlConnection c, NpgsqlTransaction tx, string route, IEnumerable<string> ids) => Sql.ExecAsync(c, tx, """
        SELECT pg_advisory_xact_lock(h) FROM (SELECT DISTINCT hashtextextended($1 || '/' || x, 0) AS h FROM unnest($2::text[]) AS x ORDER BY 1) AS locks
        """, route, ids.Distinct().ToArray());

    /// <summary>
    /// Stores the parts of one submit result and applies any receipt held for them. Called inside the transaction that
    /// applies the result, after the delivery moved to <c>sent</c>.
    /// </summary>
    private static async Task<int> StorePartsAsync(NpgsqlConnection c, NpgsqlTransaction tx, EventBuffer events, string route, long deliveryId, IReadOnlyList<CarrierPart> parts, long now)
    {
        await LockPartIdsAsync(c, tx, route, parts.Select(p => p.CarrierId)).ConfigureAwait(false);
        await Sql.ExecAsync(c, tx, $"""
            INSERT INTO delivery_parts(route, smsc_id, delivery_id, part, parts, state, updated_at, raw_id)
            SELECT $1, id, $2, p, n, '{DeliveryStates.Sent}', $6, raw FROM unnest($3::text[], $4::int[], $5::int[], $7::text[]) AS u(id, p, n, raw)
            ON CONFLICT (route, smsc_id) DO UPDATE SET delivery_id=EXCLUDED.delivery_id, part=EXCLUDED.part, parts=EXCLUDED.parts,
              state=EXCLUDED.state, detail=NULL, updated_at=EXCLUDED.updated_at, raw_id=EXCLUDED.raw_id
            """, route, deliveryId, parts.Select(p => p.CarrierId).ToArray(), parts.Select(p => p.Part).ToArray(), parts.Select(p => p.Parts).ToArray(), now,
            parts.Select(p => p.RawId).ToArray()).ConfigureAwait(false);
        var transitions = 0;
        foreach (var p in parts)
        {
            var early = await Sql.FirstAsync(c, tx, "SELECT receipt_group, state, detail FROM early_receipts WHERE route=$1 AND smsc_id=$2",
                r => (Group: r.GetString(0), State: r.GetString(1), Detail: r.NullableString(2)), route, p.CarrierId).ConfigureAwait(false);
            if (early.Group is null)
            {
                continue;
            }

            await Sql.ExecAsync(c, tx, "DELETE FROM early_receipts WHERE receipt_group=$1", early.Group).ConfigureAwait(false);
            transitions += await ApplyPartAsync(c, tx, events, route, p.CarrierId, deliveryId, early.State, early.Detail, now).ConfigureAwait(false);
        }

        return transitions;
    }

    /// <summary>Updates one part and moves its delivery when the parts say so (<see cref="PartReceipts"/>), with the delivery row locked. Returns 1 when the delivery changed state.</summary>
    private static async Task<int> ApplyPartAsync(NpgsqlConnection c, NpgsqlTransaction tx, EventBuffer events, string route, string smscId, long deliveryId, string state, string? detail, long now)
    {
        var delivery = await Sql.FirstAsync(c, tx, "SELECT state, send_id, seq, recipient FROM deliveries WHERE id=$1 FOR UPDATE",
            r => (State: r.GetString(0), SendId: r.GetInt64(1), Seq: r.GetInt32(2), Recipient: r.GetString(3)), deliveryId).ConfigureAwait(false);
        var partState = await Sql.ScalarAsync(c, tx, "SELECT state FROM delivery_parts WHERE route=$1 AND smsc_id=$2", route, smscId).ConfigureAwait(false) as string;
        if (!PartReceipts.Changes(partState, state))
        {
            return 0; // a duplicate, or a receipt after the final one
        }

        await Sql.ExecAsync(c, tx, "UPDATE delivery_parts SET state=$1, detail=$2, updated_at=$3 WHERE route=$4 AND smsc_id=$5",
            state, Text(detail), now, route, smscId).ConfigureAwait(false);
        if (!DeliveryStates.AwaitsReceipts(delivery.State))
        {
            return 0; // not handed to the carrier yet, or already final: no need to read its parts
        }

        var parts = await Sql.ListAsync(c, tx, "SELECT parts, state, detail FROM delivery_parts WHERE delivery_id=$1 ORDER BY part",
            r => new StoredPart(r.GetInt32(0), r.GetString(1), r.NullableString(2)), deliveryId).ConfigureAwait(false);
        if (PartReceipts.Settle(delivery.State, parts, state, detail) is not { } settled)
        {
            return 0;
        }

        await Sql.ExecAsync(c, tx, $"""
            UPDATE deliveries SET state=$1, error_code=$2, error_message=$3, carrier_error=$7, updated_at=$4,
              accepted_at=CASE WHEN $1='{DeliveryStates.Accepted}' THEN $4 ELSE accepted_at END,
              final_at=CASE WHEN $5 THEN $4 ELSE final_at END
            WHERE id=$6
            """, settled.State, Int(settled.ErrorCode), Text(settled.ErrorMessage), now, settled.IsFinal, deliveryId, Text(settled.CarrierError)).ConfigureAwait(false);
        await events.TransitionAsync(delivery.SendId, delivery.Seq, delivery.Recipient, settled.State, delivery.State, settled.ErrorCode, settled.ErrorMessage, settled.CarrierError).ConfigureAwait(false);
        return 1;
    }

    /// <inheritdoc/>
    public Task<int> RecordInboundAsync(IReadOnlyList<(InboundPart Part, long? KeyId)> parts, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var events = new EventBuffer(c, tx, now);
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
                // Parts of one message may reach different nodes at once: they take turns on the message.
                await Sql.ExecAsync(c, tx, "SELECT pg_advisory_xact_lock(hashtextextended($1 || '/' || $2 || '/' || $3 || '/' || $4::int || '/' || $5::int, 1))",
                    part.Route, part.Source, part.Destination, reference, part.Total).ConfigureAwait(false);
                await Sql.ExecAsync(c, tx, """
                    INSERT INTO inbound_parts(route, source, destination, reference, total, seq, text, received_at) VALUES ($1,$2,$3,$4,$5,$6,$7,$8)
                    ON CONFLICT (route, source, destination, reference, total, seq) DO UPDATE SET text=EXCLUDED.text, received_at=EXCLUDED.received_at
                    """, part.Route, part.Source, part.Destination, reference, part.Total, part.Sequence, part.Text, now).ConfigureAwait(false);
                var texts = await Sql.ListAsync(c, tx,
                    "SELECT text FROM inbound_parts WHERE route=$1 AND source=$2 AND destination=$3 AND reference=$4 AND total=$5 ORDER BY seq",
                    r => r.GetString(0), part.Route, part.Source, part.Destination, reference, part.Total).ConfigureAwait(false);
                if (texts.Count < part.Total)
                {
                    continue;
                }

                text = string.Concat(texts);
                await Sql.ExecAsync(c, tx, "DELETE FROM inbound_parts WHERE route=$1 AND source=$2 AND destination=$3 AND reference=$4 AND total=$5",
                    part.Route, part.Source, part.Destination, reference, part.Total).ConfigureAwait(false);
            }

            completed++;
            if (keyId is { } key)
            {
                var target = await Sql.FirstAsync(c, tx, "SELECT webhook_url, webhook_events FROM api_keys WHERE id=$1 AND revoked_at IS NULL AND webhook_disabled_at IS NULL",
                    r => (Url: r.NullableString(0), Events: r.NullableString(1)), key).ConfigureAwait(false);
                var type = WebhookEventType.SmsReceived.Value;
                if (target.Url is { } url && EventPayload.Subscribed(target.Events, type))
                {
                    var eventId = EventPayload.NewEventId(now);
                    events.Add(eventId, key, url, type,
                        EventPayload.WriteReceived(eventId, now, TimeOrderedId.New(now, 12, "mo_"), part.Destination, part.Source, text, part.Total));
                }
            }
        }

        await events.FlushAsync().ConfigureAwait(false);
        return completed;
    }, cancellationToken);

    /// <inheritdoc/>
    public Task<IReadOnlyList<OverdueDelivery>> ClaimOverdueReceiptsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var rows = await Sql.ListAsync(c, tx, $"""
            UPDATE deliveries d SET due_at = $3
            FROM sends s
            WHERE s.id = d.send_id AND d.id IN (
              SELECT id FROM deliveries WHERE state IN ('{DeliveryStates.Sent}','{DeliveryStates.Accepted}') AND receipt_state IS NULL AND due_at <= $1
              ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING d.id, d.recipient, s.sender_id
            """, r => (Id: r.GetInt64(0), Recipient: r.GetString(1), SenderId: r.NullableString(2)), now, max, now + (long)lease.TotalMilliseconds).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            return (IReadOnlyList<OverdueDelivery>)[];
        }

        var parts = (await Sql.ListAsync(c, tx, "SELECT delivery_id, route, smsc_id, raw_id, state FROM delivery_parts WHERE delivery_id = ANY($1) ORDER BY part",
                r => (DeliveryId: r.GetInt64(0), Part: new OverduePart(r.GetString(1), r.GetString(2), r.NullableString(3), r.GetString(4))),
                rows.Select(r => r.Id).ToArray()).ConfigureAwait(false))
            .ToLookup(p => p.DeliveryId, p => p.Part);
        return rows.Select(r => new OverdueDelivery(r.Id, r.Recipient, r.SenderId, [.. parts[r.Id]])).ToList();
    }, cancellationToken);

    /// <inheritdoc/>
    public Task<int> ResolveWithoutReceiptAsync(IReadOnlyList<(long DeliveryId, string Message, string? CarrierError)> deliveries, CancellationToken cancellationToken = default) =>
        deliveries.Count == 0 ? Task.FromResult(0) : _db.InTransactionAsync(async (c, tx) =>
        {
            var now = Now;
            var events = new EventBuffer(c, tx, now);
            var changed = 0;
            foreach (var (id, message, carrierError) in deliveries.OrderBy(d => d.DeliveryId))
            {
                var row = await Sql.FirstAsync(c, tx, $"""
                    WITH before AS (SELECT id, state FROM deliveries WHERE id=$1 AND state IN ('{DeliveryStates.Sent}','{DeliveryStates.Accepted}') AND receipt_state IS NULL FOR UPDATE)
                    UPDATE deliveries d SET state='{DeliveryStates.Unknown}', error_code=$2, error_message=$3, carrier_error=$4, updated_at=$5, due_at=$6
                    FROM before WHERE d.id = before.id
                    RETURNING d.send_id, d.seq, d.recipient, before.state
                    """, r => (SendId: r.GetInt64(0), Seq: r.GetInt32(1), Recipient: r.GetString(2), State: r.GetString(3)),
                    id, LisolooErrorCodes.NoReceipt, message, Text(carrierError), now, long.MaxValue).ConfigureAwait(false);
                if (row.Recipient is null)
                {
                    continue; // settled by a receipt meanwhile
                }

                await events.TransitionAsync(row.SendId, row.Seq, row.Recipient, DeliveryStates.Unknown, row.State, LisolooErrorCodes.NoReceipt, message, carrierError).ConfigureAwait(false);
                changed++;
            }

            await events.FlushAsync().ConfigureAwait(false);
            return changed;
        }, cancellationToken);

    /// <inheritdoc/>
    public Task<int> PurgeCarrierLeftoversAsync(TimeSpan age, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var before = Now - (long)age.TotalMilliseconds;
        return await Sql.ExecAsync(c, tx, "DELETE FROM early_receipts WHERE received_at < $1", before).ConfigureAwait(false)
            + await Sql.ExecAsync(c, tx, "DELETE FROM inbound_parts WHERE received_at < $1", before).ConfigureAwait(false);
    }, cancellationToken);
}
