using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// The workers' claims (<see cref="IDeliveryStore"/>): occurrences released, deliveries leased to carriers and their
/// submit results, announced receipts applied.
/// </summary>
internal sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public Task<int> ReleaseDueOccurrencesAsync(int maxOccurrences, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
        Convert.ToInt32(await Sql.ScalarAsync(c, tx, $"""
            WITH due AS (
              SELECT id FROM occurrences WHERE state='{OccurrenceStates.Scheduled}' AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED
            ), rel AS (
              UPDATE occurrences o SET state='{OccurrenceStates.Released}' FROM due WHERE o.id = due.id RETURNING o.send_id, o.seq, o.due_at
            ), ins AS (
              INSERT INTO deliveries(send_id, seq, recipient, state, due_at, updated_at, pending_at)
              SELECT rel.send_id, rel.seq, r.v, '{DeliveryStates.Pending}', rel.due_at, $1, $1
              FROM rel JOIN sends s ON s.id = rel.send_id CROSS JOIN LATERAL unnest(string_to_array(s.recipients, E'\n')) WITH ORDINALITY AS r(v, o)
              ORDER BY rel.due_at, rel.send_id, rel.seq, r.o
            )
            SELECT COUNT(*) FROM rel
            """, Now, maxOccurrences).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture), cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long?> NextScheduledAtAsync(CancellationToken cancellationToken = default) => _db.RunAsync(async c =>
        await Sql.ScalarAsync(c, null, $"SELECT MIN(due_at) FROM occurrences WHERE state='{OccurrenceStates.Scheduled}'").ConfigureAwait(false) as long?, cancellationToken);

    /// <inheritdoc/>
    public Task<DeliveryClaim> ClaimDeliveriesAsync(int max, TimeSpan lease, Func<string, IInlineCarrier?> inlineFor, TimeSpan retryDelay,
        CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var leaseUntil = now + (long)lease.TotalMilliseconds;
        var events = new EventBuffer(c, tx, now);
        var states = new List<string>();
        var retried = false;
        var claimed = await Sql.ListAsync(c, tx, $"""
            SELECT d.id, d.send_id, s.message_id, d.recipient, s.body, s.sender_id, s.encoding, s.segments, k.environment,
                   s.unit_price_micros * s.segments, s.account_id, d.state, d.seq,
                   s.key_id, COALESCE(s.callback_url, CASE WHEN k.webhook_disabled_at IS NULL THEN k.webhook_url END), k.webhook_events, d.attempts
            FROM deliveries d JOIN sends s ON s.id = d.send_id JOIN api_keys k ON k.id = s.key_id
            WHERE d.state IN ('{DeliveryStates.Pending}','{DeliveryStates.Queued}','{DeliveryStates.Processing}') AND d.due_at <= $1
            ORDER BY d.due_at LIMIT $2
            FOR UPDATE OF d SKIP LOCKED
            """, r =>
            {
                states.Add(r.GetString(11));
                retried |= r.GetInt32(16) > 0;
                events.Seed(r.GetInt64(1), r.GetString(2), r.GetInt64(13), r.NullableString(14), r.NullableString(15), r.GetInt32(7), r.NullableString(5));
                return new ClaimedDelivery(r.GetInt64(0), r.GetInt64(1), r.GetString(2), r.GetString(3), r.GetString(4), r.NullableString(5),
                    r.GetString(6), r.GetInt32(7), r.GetString(8), r.GetInt64(9), r.GetInt64(10)) { Seq = r.GetInt32(12), Attempt = r.GetInt32(16) + 1 };
            }, now, max).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return DeliveryClaim.None;
        }

        for (var i = 0; i < claimed.Count; i++)
        {
            var d = claimed[i];
            if (states[i] == DeliveryStates.Pending)
            {
                await events.TransitionAsync(d.SendId, d.Seq, d.Recipient, DeliveryStates.Queued, DeliveryStates.Pending, null, null).ConfigureAwait(false);
            }

            if (states[i] != DeliveryStates.Processing)
            {
                await events.TransitionAsync(d.SendId, d.Seq, d.Recipient, DeliveryStates.Processing, DeliveryStates.Queued, null, null).ConfigureAwait(false);
            }
        }

        var (leased, inline) = InlineSplit.Of(claimed, inlineFor);

        await MarkProcessingAsync(c, tx, leased.Select(d => d.DeliveryId).ToArray(), leaseUntil, now).ConfigureAwait(false);
        var inlineCounts = new List<(string Carrier, int Sent, int Refused)>(inline.Count);
        foreach (var (carrier, rows) in inline)
        {
            var results = carrier.SubmitInline(rows);
            var accepted = results.Where(r => r.Accepted).ToList();
            var refused = results.Where(r => !r.Accepted).ToList();
            if (accepted.Count > 0)
            {
                await Sql.ExecAsync(c, tx, $"""
                    UPDATE deliveries d SET state='{DeliveryStates.Sent}', carrier=$1, carrier_ref=u.ref, receipt_state=u.rs, due_at=u.due, lease_until=0, claimed_by=NULL,
                      attempts=d.attempts+1, updated_at=$2, queued_at=COALESCE(d.queued_at,$2), processing_at=$2, sent_at=$2
                    FROM unnest($3::bigint[], $4::text[], $5::text[], $6::bigint[]) AS u(id, ref, rs, due) WHERE d.id = u.id
                    """, carrier.Name, now, accepted.Select(r => r.DeliveryId).ToArray(),
                    accepted.Select(r => string.IsNullOrEmpty(r.CarrierRef) ? null : r.CarrierRef).ToArray(), accepted.Select(r => r.ReceiptState).ToArray(),
                    accepted.Select(r => r.SentDueAt).ToArray()).ConfigureAwait(false);
            }

            // Rare (a refused number): take the leased path's steps, so the failure is applied exactly as for any carrier.
            await MarkProcessingAsync(c, tx, refused.Select(r => r.DeliveryId).ToArray(), leaseUntil, now).ConfigureAwait(false);
            inlineCounts.Add((carrier.Name, accepted.Count, refused.Count));
            await ApplyResultsAsync(c, tx, events, rows, accepted, carrier.Name, retryDelay, now, alreadyMarked: true).ConfigureAwait(false);
            await ApplyResultsAsync(c, tx, events, rows, refused, carrier.Name, retryDelay, now, alreadyMarked: false).ConfigureAwait(false);
        }

        if (retried && leased.Count > 0)
        {
            // Rows tried before may have parts the carrier already acknowledged: those are never submitted again.
            var acked = (await Sql.ListAsync(c, tx, "SELECT delivery_id, part FROM delivery_parts WHERE delivery_id = ANY($1)",
                r => (r.GetInt64(0), r.GetInt32(1)), leased.Select(d => d.DeliveryId).ToArray()).ConfigureAwait(false))
                .GroupBy(x => x.Item1).ToDictionary(g => g.Key, g => (IReadOnlyCollection<int>)g.Select(x => x.Item2).ToList());
            for (var i = 0; i < leased.Count && acked.Count > 0; i++)
            {
                if (acked.TryGetValue(leased[i].DeliveryId, out var parts))
                {
                    leased[i] = leased[i] with { AckedParts = parts };
                }
            }
        }

        await events.FlushAsync().ConfigureAwait(false);
        return new DeliveryClaim(leased, claimed.Count, inlineCounts);
    }, cancellationToken);

    /// <summary>Leases rows to this node: <c>processing</c> until <paramref name="leaseUntil"/>, when any node may claim them again.</summary>
    private Task MarkProcessingAsync(NpgsqlConnection c, NpgsqlTransaction tx, long[] ids, long leaseUntil, long now) => ids.Length == 0
        ? Task.CompletedTask
        : Sql.ExecAsync(c, tx, $"""
            UPDATE deliveries SET state='{DeliveryStates.Processing}', due_at=$1, lease_until=$1, claimed_by=$2, attempts=attempts+1, updated_at=$3,
              queued_at=COALESCE(queued_at,$3), processing_at=$3
            WHERE id = ANY($4)
            """, leaseUntil, NodeId, now, ids);

    /// <inheritdoc/>
    public async Task<IReadOnlyList<long>> ExtendLeasesAsync(IReadOnlyCollection<long> deliveryIds, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        if (deliveryIds.Count == 0)
        {
            return [];
        }

        var now = Now;
        return await _db.RunAsync(c => Sql.ListAsync(c, null, $"""
            UPDATE deliveries SET due_at=$1, lease_until=$1
            WHERE id = ANY($2) AND state='{DeliveryStates.Processing}' AND claimed_by=$3 AND lease_until > $4
            RETURNING id
            """, r => r.GetInt64(0), now + (long)lease.TotalMilliseconds, deliveryIds.ToArray(), NodeId, now), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public Task ApplySubmitResultsAsync(IReadOnlyList<ClaimedDelivery> batch, IReadOnlyList<SubmitResult> results, string carrier, TimeSpan retryDelay,
        CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var events = new EventBuffer(c, tx, now);
        await events.PreloadAsync(batch.Select(d => d.SendId)).ConfigureAwait(false);
        await ApplyResultsAsync(c, tx, events, batch, results, carrier, retryDelay, now, alreadyMarked: false).ConfigureAwait(false);
        await events.FlushAsync().ConfigureAwait(false);
        return 0;
    }, cancellationToken);

    /// <summary>
    /// Accepted → <c>sent</c> (the reserve becomes spend), refused → <c>failed</c> and refunded, retryable → back to
    /// <c>queued</c>. With <paramref name="alreadyMarked"/> the accepted rows were already moved to <c>sent</c> by the
    /// caller (the inline path). Only rows still <c>processing</c> change: a row cancelled or settled meanwhile is left alone.
    /// </summary>
    private static async Task ApplyResultsAsync(NpgsqlConnection c, NpgsqlTransaction tx, EventBuffer events, IReadOnlyList<ClaimedDelivery> batch,
        IReadOnlyList<SubmitResult> results, string carrier, TimeSpan retryDelay, long now, bool alreadyMarked)
    {
        if (results.Count == 0)
        {
            return;
        }

        var byId = new Dictionary<long, ClaimedDelivery>(batch.Count);
        foreach (var d in batch)
        {
            byId[d.DeliveryId] = d;
        }

        var accepted = results.Where(r => r.Accepted).ToList();
        HashSet<long> changed;
        if (alreadyMarked || accepted.Count == 0)
        {
            changed = accepted.Select(r => r.DeliveryId).ToHashSet();
        }
        else
        {
            changed = (await Sql.ListAsync(c, tx, $"""
                UPDATE deliveries d SET state='{DeliveryStates.Sent}', carrier=$1, carrier_ref=u.ref, receipt_state=u.rs, due_at=u.due, lease_until=0, claimed_by=NULL,
                  updated_at=$2, sent_at=$2
                FROM unnest($3::bigint[], $4::text[], $5::text[], $6::bigint[]) AS u(id, ref, rs, due)
                WHERE d.id = u.id AND d.state = '{DeliveryStates.Processing}'
                RETURNING d.id
                """, r => r.GetInt64(0), carrier, now, accepted.Select(r => r.DeliveryId).ToArray(),
                accepted.Select(r => string.IsNullOrEmpty(r.CarrierRef) ? null : r.CarrierRef).ToArray(), accepted.Select(r => r.ReceiptState).ToArray(),
                accepted.Select(r => r.SentDueAt).ToArray()).ConfigureAwait(false)).ToHashSet();
        }

        foreach (var result in accepted)
        {
            if (!changed.Contains(result.DeliveryId))
            {
                continue; // cancelled meanwhile, or already settled by an earlier attempt
            }

            var d = byId[result.DeliveryId];
            events.Spend(d.AccountId, d.CostMicros); // written last, by events.FlushAsync: the account row is the hot one
            await events.TransitionAsync(d.SendId, d.Seq, d.Recipient, DeliveryStates.Sent, DeliveryStates.Processing, null, null).ConfigureAwait(false);
            if (result is { Parts.Count: > 0, Route: { } route })
            {
                await StorePartsAsync(c, tx, events, route, d.DeliveryId, result.Parts, now).ConfigureAwait(false);
            }
        }

        var refused = results.Where(r => !r.Accepted).ToList();
        if (refused.Count > 0)
        {
            var rows = (await Sql.ListAsync(c, tx, """
                SELECT d.id, d.send_id, d.seq, d.recipient, d.state, s.account_id, s.unit_price_micros * s.segments
                FROM deliveries d JOIN sends s ON s.id = d.send_id WHERE d.id = ANY($1) ORDER BY d.id FOR UPDATE OF d
                """, r => new DeliveryRow(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt64(6)),
                refused.Where(r => !r.LeaseLost).Select(r => r.DeliveryId).ToArray()).ConfigureAwait(false)).ToDictionary(r => r.Id);
            foreach (var result in refused)
            {
                if (result.LeaseLost)
                {
                    // Given up by this node (another may have it): only what the carrier acknowledged is recorded.
                    if (result is { Parts.Count: > 0, Route: { } lostRoute })
                    {
                        await StorePartsAsync(c, tx, events, lostRoute, result.DeliveryId, result.Parts, now).ConfigureAwait(false);
                    }

                    continue;
                }

                if (!rows.TryGetValue(result.DeliveryId, out var row) || row.State != DeliveryStates.Processing)
                {
                    continue; // cancelled meanwhile, or already settled by an earlier attempt
                }

                if (result.Retryable)
                {
                    if (result is { Parts.Count: > 0, Route: { } route })
                    {
                        await StorePartsAsync(c, tx, events, route, row.Id, result.Parts, now).ConfigureAwait(false); // acknowledged parts are not submitted again
                    }

                    await Sql.ExecAsync(c, tx,
                        $"UPDATE deliveries SET state='{DeliveryStates.Queued}', due_at=$1, lease_until=0, claimed_by=NULL, updated_at=$2, error_code=$3, error_message=$4, carrier_error=$6 WHERE id=$5",
                        result.RetryNow ? now : now + (long)retryDelay.TotalMilliseconds, now, Int(result.ErrorCode), Text(result.ErrorMessage), result.DeliveryId,
                        Text(result.CarrierError)).ConfigureAwait(false);
                }
                else
                {
                    await SettleAsync(c, tx, row.Id, DeliveryStates.Failed, result.ErrorCode, result.ErrorMessage, now, carrier, result.CarrierRef, result.CarrierError).ConfigureAwait(false);
                    await RefundAsync(c, tx, row.AccountId, row.SendId, row.CostMicros, now).ConfigureAwait(false);
                    await events.TransitionAsync(row.SendId, row.Seq, row.Recipient, DeliveryStates.Failed, DeliveryStates.Processing, result.ErrorCode, result.ErrorMessage, result.CarrierError).ConfigureAwait(false);
                }
            }
        }

    }

    private sealed record DeliveryRow(long Id, long SendId, int Seq, string Recipient, string State, long AccountId, long CostMicros);

    private static Task SettleAsync(NpgsqlConnection c, NpgsqlTransaction tx, long id, string state, int? errorCode, string? errorMessage, long now, string? carrier, string? carrierRef,
        string? carrierError = null) =>
        Sql.ExecAsync(c, tx, """
            UPDATE deliveries SET state=$1, error_code=$2, error_message=$3, carrier_error=$8, lease_until=0, claimed_by=NULL, due_at=$4, updated_at=$4, receipt_state=NULL,
              carrier=COALESCE($5, carrier), carrier_ref=COALESCE($6, carrier_ref), final_at=$4 WHERE id=$7
            """, state, Int(errorCode), Text(errorMessage), now, Text(carrier), Text(carrierRef), id, Text(carrierError));

    /// <inheritdoc/>
    public Task<int> ApplyDueAnnouncedReceiptsAsync(int max, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var applied = await Sql.ListAsync(c, tx, $"""
            UPDATE deliveries SET state=receipt_state,
              error_code=CASE receipt_state WHEN '{DeliveryStates.Undelivered}' THEN $3 WHEN '{DeliveryStates.Expired}' THEN $7 WHEN '{DeliveryStates.Rejected}' THEN $8 END,
              error_message=CASE receipt_state WHEN '{DeliveryStates.Undelivered}' THEN $4 WHEN '{DeliveryStates.Expired}' THEN $5 WHEN '{DeliveryStates.Rejected}' THEN $6 END,
              receipt_state=NULL, lease_until=0, due_at=$1, updated_at=$1, final_at=$1
            WHERE id IN (SELECT id FROM deliveries WHERE state='{DeliveryStates.Sent}' AND receipt_state IS NOT NULL AND due_at <= $1 ORDER BY due_at LIMIT $2 FOR UPDATE SKIP LOCKED)
            RETURNING send_id, seq, recipient, state, error_code, error_message
            """, r => (SendId: r.GetInt64(0), Seq: r.GetInt32(1), Recipient: r.GetString(2), State: r.GetString(3), Code: r.NullableInt(4), Message: r.NullableString(5)),
            now, max, ReceiptErrors.For(DeliveryStates.Undelivered).Code!.Value, ReceiptErrors.For(DeliveryStates.Undelivered).Message, ReceiptErrors.For(DeliveryStates.Expired).Message,
            ReceiptErrors.For(DeliveryStates.Rejected).Message, ReceiptErrors.For(DeliveryStates.Expired).Code!.Value, ReceiptErrors.For(DeliveryStates.Rejected).Code!.Value).ConfigureAwait(false);
        var events = new EventBuffer(c, tx, now);
        await events.PreloadAsync(applied.Select(a => a.SendId)).ConfigureAwait(false);
        foreach (var a in applied)
        {
            await events.TransitionAsync(a.SendId, a.Seq, a.Recipient, a.State, DeliveryStates.Sent, a.Code, a.Message).ConfigureAwait(false);
        }

        await events.FlushAsync().ConfigureAwait(false);
        return applied.Count;
    }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long?> NextAnnouncedReceiptAtAsync(CancellationToken cancellationToken = default) => _db.RunAsync(async c =>
        await Sql.ScalarAsync(c, null, $"SELECT MIN(due_at) FROM deliveries WHERE state='{DeliveryStates.Sent}' AND receipt_state IS NOT NULL").ConfigureAwait(false) as long?, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<long> CountPendingDeliveriesAsync(CancellationToken cancellationToken = default) => _db.RunAsync(async c =>
        (long)(await Sql.ScalarAsync(c, null, $"SELECT COUNT(*) FROM deliveries WHERE state IN ('{DeliveryStates.Pending}','{DeliveryStates.Queued}')").ConfigureAwait(false))!, cancellationToken);
}
