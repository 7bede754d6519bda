using System.Globalization;
using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// The workers' claims (<see cref="IDeliveryStore"/>): occurrences released, deliveries leased to carriers and their
/// submit results, announced receipts applied.
/// </summary>
internal sealed partial class SqliteStore
{
    /// <summary>Turns due scheduled occurrences into pending deliveries (one per recipient). Returns the occurrences released.</summary>
    public Task<int> ReleaseDueOccurrencesAsync(int maxOccurrences, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var due = new List<(long Id, long SendId, int Seq, long DueAt, string Recipients)>();
        var cmd = ctx.Command($"""
            SELECT o.id, o.send_id, o.seq, o.due_at, s.recipients FROM occurrences o JOIN sends s ON s.id = o.send_id
            WHERE o.state='{OccurrenceStates.Scheduled}' AND o.due_at <= @now ORDER BY o.due_at LIMIT @n
            """);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.Parameters.AddWithValue("@n", maxOccurrences);
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                due.Add((r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetInt64(3), r.GetString(4)));
            }
        }

        foreach (var o in due)
        {
            cmd = ctx.Command($"UPDATE occurrences SET state='{OccurrenceStates.Released}' WHERE id=@id AND state='{OccurrenceStates.Scheduled}'");
            cmd.Parameters.AddWithValue("@id", o.Id);
            if (cmd.ExecuteNonQuery() == 1)
            {
                InsertDeliveries(ctx, o.SendId, o.Seq, o.Recipients.Split('\n'), o.DueAt, now);
            }
        }

        return due.Count;
    }, cancellationToken);

    /// <summary>The earliest scheduled occurrence not yet released (for scheduler lag and sleeping until then).</summary>
    public ValueTask<long?> NextScheduledAtAsync(CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command($"SELECT MIN(due_at) FROM occurrences WHERE state='{OccurrenceStates.Scheduled}'");
        return cmd.ExecuteScalar() is long v ? v : (long?)null;
    }));

    /// <summary>
    /// Claims due pending deliveries (and queued or processing ones whose lease ran out after a crash), moves them to
    /// <c>processing</c> under a lease, and writes their <c>sms.queued</c> and <c>sms.processing</c> events.
    /// The rows are read from both parts of the queue (<see cref="TakeDueDeliveries"/>), then one prepared update per
    /// row. Rows whose environment has an in-process carrier (<paramref name="inlineFor"/>, the sandbox) are submitted
    /// right here and their outcome applied in the same transaction, so they need no lease: they move pending → queued →
    /// processing → sent with one row update (and the same events and stage times as the leased path); only the others
    /// are returned, to be submitted and then applied with <see cref="ApplySubmitResultsAsync"/>.
    /// </summary>
    public Task<DeliveryClaim> ClaimDeliveriesAsync(int max, TimeSpan lease, Func<string, IInlineCarrier?> inlineFor,
        TimeSpan retryDelay, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var leaseUntil = now + (long)lease.TotalMilliseconds;
        var claimed = new List<ClaimedDelivery>();
        var states = new List<string>();
        var retried = false;
        var events = new EventWriter(ctx, now);
        TakeDueDeliveries(ctx, now, max, claimed, states, events, ref retried);
        if (claimed.Count == 0)
        {
            return DeliveryClaim.None;
        }

        for (var i = 0; i < claimed.Count; i++)
        {
            var d = claimed[i];
            if (states[i] == DeliveryStates.Pending)
            {
                events.Transition(d.SendId, d.Seq, d.Recipient, DeliveryStates.Queued, DeliveryStates.Pending, null, null);
            }

            if (states[i] != DeliveryStates.Processing)
            {
                events.Transition(d.SendId, d.Seq, d.Recipient, DeliveryStates.Processing, DeliveryStates.Queued, null, null);
            }
        }

        var (leased, inline) = InlineSplit.Of(claimed, inlineFor);

        var update = ctx.Raw($"""
            UPDATE deliveries SET state='{DeliveryStates.Processing}', due_at=?1, lease_until=?1, attempts=attempts+1, updated_at=?2,
              queued_at=COALESCE(queued_at,?2), processing_at=?2
            WHERE id=?3
            """);
        foreach (var c in leased)
        {
            update.Bind(1, leaseUntil).Bind(2, now).Bind(3, c.DeliveryId).Execute();
        }

        var inlineCounts = new List<(string Carrier, int Sent, int Refused)>(inline.Count);
        foreach (var (carrier, rows) in inline)
        {
            var results = carrier.SubmitInline(rows);
            var sent = ctx.Raw($"""
                UPDATE deliveries SET state='{DeliveryStates.Sent}', carrier=?1, carrier_ref=?2, receipt_state=?3, due_at=?4, lease_until=0, attempts=attempts+1,
                  updated_at=?5, queued_at=COALESCE(queued_at,?5), processing_at=?5, sent_at=?5
                WHERE id=?6
                """);
            var accepted = new List<SubmitResult>(results.Count);
            var refused = new List<SubmitResult>();
            foreach (var result in results)
            {
                if (result.Accepted)
                {
                    accepted.Add(result);
                    sent.Bind(1, carrier.Name).Bind(2, string.IsNullOrEmpty(result.CarrierRef) ? null : result.CarrierRef).Bind(3, result.ReceiptState)
                        .Bind(4, result.SentDueAt).Bind(5, now).Bind(6, result.DeliveryId).Execute();
                }
                else
                {
                    // Rare (a refused number): take the leased path's steps, so the failure is applied exactly as for any carrier.
                    update.Bind(1, leaseUntil).Bind(2, now).Bind(3, result.DeliveryId).Execute();
                    refused.Add(result);
                }
            }

            inlineCounts.Add((carrier.Name, accepted.Count, refused.Count));
            ApplyResults(ctx, events, rows, accepted, carrier.Name, retryDelay, now, alreadyMarked: true);
            ApplyResults(ctx, events, rows, refused, carrier.Name, retryDelay, now, alreadyMarked: false);
        }

        if (retried && leased.Count > 0)
        {
            // Rows tried before may have parts the carrier already acknowledged: those are never submitted again.
            var acked = ReadAckedParts(ctx, leased.Select(d => d.DeliveryId));
            for (var i = 0; i < leased.Count && acked.Count > 0; i++)
            {
                if (acked.TryGetValue(leased[i].DeliveryId, out var parts))
                {
                    leased[i] = leased[i] with { AckedParts = parts };
                }
            }
        }

        return new DeliveryClaim(leased, claimed.Count, inlineCounts);
    }, cancellationToken);

    private const string ClaimColumns = """
        SELECT d.id, d.send_id, s.message_id, d.recipient, s.body, s.sender_id, s.encoding, s.segments, k.environment,
               s.unit_price_micros * s.segments, s.account_id, d.state, d.seq,
               s.key_id,
        """ + " " + TargetUrl + ", k.webhook_events, d.attempts, d.due_at\n" + """
        FROM deliveries d JOIN sends s ON s.id = d.send_id JOIN api_keys k ON k.id = s.key_id
        """;

    /// <summary>
    /// Where a send's events go, on a sends row <c>s</c> joined to its key <c>k</c>: its callback URL, else the key's
    /// webhook URL unless that was disabled (410). The one statement of that rule for every query of this store.
    /// </summary>
    private const string TargetUrl = "COALESCE(s.callback_url, CASE WHEN k.webhook_disabled_at IS NULL THEN k.webhook_url END)";

    /// <summary>The columns <see cref="EventWriter.SeedFrom"/> reads, in its order, on <c>s</c> joined to <c>k</c>.</summary>
    private const string TargetColumns = "s.message_id, s.key_id, " + TargetUrl + ", k.webhook_events, s.segments, s.sender_id";

    /// <summary>The deferred part of the queue, through <c>ix_deliveries_deferred</c> (its condition repeated word for word, so SQLite uses it).</summary>
    internal const string DeferredClaimSql = ClaimColumns + "\nWHERE " + Deferred + " AND d.due_at <= ?1 ORDER BY d.due_at LIMIT ?2";

    /// <summary>The condition of <c>ix_deliveries_deferred</c> (schema.sql), on a deliveries row aliased <c>d</c>.</summary>
    private const string Deferred = $"(d.state IN ('{DeliveryStates.Queued}','{DeliveryStates.Processing}') OR (d.state = '{DeliveryStates.Pending}' AND d.due_at > d.pending_at))";

    /// <summary>The fresh part of the queue: a window of rowids after the dispatch cursor.</summary>
    internal const string FreshClaimSql = ClaimColumns + "\n" + $"""
        WHERE d.id > ?1 AND d.id <= ?2 AND d.state = '{DeliveryStates.Pending}' AND d.due_at <= d.pending_at
        ORDER BY d.id LIMIT ?3
        """;

    /// <summary>
    /// Reads up to <paramref name="max"/> deliveries due for hand-off, oldest due first, from both parts of the queue
    /// (see the schema): the deferred rows through their index, and the fresh rows by walking rowids from the dispatch
    /// cursor, which moves past what was taken and past rows that need no hand-off. The walk goes a window of rowids
    /// at a time, so rows that are not fresh (deferred, cancelled) are stepped over once each, not on every claim.
    /// </summary>
    private static void TakeDueDeliveries(SqlContext ctx, long now, int max, List<ClaimedDelivery> claimed, List<string> states,
        EventWriter events, ref bool retried)
    {
        var deferred = new List<ClaimRow>();
        ReadClaimRows(ctx.Raw(DeferredClaimSql).Bind(1, now).Bind(2, max), deferred);

        var cursor = ctx.Raw("SELECT last_id FROM dispatch_cursor WHERE id = 1").ExecuteInt64();
        var last = ctx.Raw("SELECT COALESCE(MAX(id), 0) FROM deliveries").ExecuteInt64();
        var fresh = new List<ClaimRow>();
        var walked = cursor;
        var window = Math.Max(1024, max * 4L);
        while (fresh.Count < max && walked < last)
        {
            var upTo = Math.Min(walked + window, last);
            var before = fresh.Count;
            ReadClaimRows(ctx.Raw(FreshClaimSql).Bind(1, walked).Bind(2, upTo).Bind(3, max - fresh.Count), fresh);
            walked = fresh.Count == max && fresh.Count > before ? fresh[^1].Delivery.DeliveryId : upTo;
        }

        // Oldest due first across the two parts; the fresh rows are taken as a prefix of their rowid order, so the cursor
        // can stop right after the last one taken.
        int i = 0, j = 0;
        while (i + j < max && (i < deferred.Count || j < fresh.Count))
        {
            var takeDeferred = j >= fresh.Count || (i < deferred.Count && deferred[i].DueAt <= fresh[j].DueAt);
            var row = takeDeferred ? deferred[i++] : fresh[j++];
            claimed.Add(row.Delivery);
            states.Add(row.State);
            retried |= row.Attempts > 0;
            events.Seed(row.Delivery.SendId, row.Delivery.MessageId, row.KeyId, row.Url, row.Events, row.Delivery.Segments, row.Delivery.SenderId);
        }

        if (j < fresh.Count)
        {
            walked = fresh[j].Delivery.DeliveryId - 1; // the fresh rows read but not taken stay ahead of the cursor
        }

        if (walked != cursor)
        {
            ctx.Raw("UPDATE dispatch_cursor SET last_id = ?1 WHERE id = 1").Bind(1, walked).Execute();
        }
    }

    private sealed record ClaimRow(ClaimedDelivery Delivery, string State, long KeyId, string? Url, string? Events, long Attempts, long DueAt);

    private static void ReadClaimRows(RawStatement query, List<ClaimRow> rows)
    {
        foreach (var row in query.Rows())
        {
            var delivery = new ClaimedDelivery(row.Int64(0), row.Int64(1), row.Text(2)!, row.Text(3)!, row.Text(4)!, row.Text(5),
                row.Text(6)!, (int)row.Int64(7), row.Text(8)!, row.Int64(9), row.Int64(10)) { Seq = (int)row.Int64(12), Attempt = (int)row.Int64(16) + 1 };
            rows.Add(new ClaimRow(delivery, row.Text(11)!, row.Int64(13), row.Text(14), row.Text(15), row.Int64(16), row.Int64(17)));
        }
    }

    /// <inheritdoc/>
    public Task<IReadOnlyList<long>> ExtendLeasesAsync(IReadOnlyCollection<long> deliveryIds, TimeSpan lease, CancellationToken cancellationToken = default) => deliveryIds.Count == 0
        ? Task.FromResult<IReadOnlyList<long>>([])
        : db.WriteAsync(ctx =>
        {
            var now = Now;
            var until = now + (long)lease.TotalMilliseconds;
            var extend = ctx.Raw($"UPDATE deliveries SET due_at=?1, lease_until=?1 WHERE id=?2 AND state='{DeliveryStates.Processing}' AND lease_until > ?3");
            var extended = new List<long>(deliveryIds.Count);
            foreach (var id in deliveryIds)
            {
                if (extend.Bind(1, until).Bind(2, id).Bind(3, now).Execute() == 1)
                {
                    extended.Add(id);
                }
            }

            return (IReadOnlyList<long>)extended;
        }, cancellationToken);

    /// <summary>
    /// Applies what the carrier said at submit: accepted → <c>sent</c> (the reserve becomes spend), refused → <c>failed</c>
    /// and refunded, retryable → back to <c>queued</c> for a later attempt. Accepted rows go through one prepared statement.
    /// </summary>
    public Task ApplySubmitResultsAsync(IReadOnlyList<ClaimedDelivery> batch, IReadOnlyList<SubmitResult> results, string carrier, TimeSpan retryDelay, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var events = new EventWriter(ctx, now);
        events.Preload(batch.Select(d => d.SendId));
        ApplyResults(ctx, events, batch, results, carrier, retryDelay, now, alreadyMarked: false);
        return 0;
    }, cancellationToken);

    /// <summary>
    /// The body of <see cref="ApplySubmitResultsAsync"/>. With <paramref name="alreadyMarked"/> the accepted rows were
    /// already moved to <c>sent</c> by the caller (the inline path) and only their spend and events remain.
    /// </summary>
    private static void ApplyResults(SqlContext ctx, EventWriter events, IReadOnlyList<ClaimedDelivery> batch, IReadOnlyList<SubmitResult> results,
        string carrier, TimeSpan retryDelay, long now, bool alreadyMarked)
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

        var spend = new Dictionary<long, long>();
        var markSent = ctx.Raw($"""
            UPDATE deliveries SET state='{DeliveryStates.Sent}', carrier=?1, carrier_ref=?2, receipt_state=?3, due_at=?4, lease_until=0, updated_at=?5, sent_at=?5
            WHERE id=?6 AND state='{DeliveryStates.Processing}'
            """);
        foreach (var result in results)
        {
            if (!result.Accepted)
            {
                continue;
            }

            var changed = alreadyMarked ? 1 : markSent.Bind(1, carrier).Bind(2, string.IsNullOrEmpty(result.CarrierRef) ? null : result.CarrierRef)
                .Bind(3, result.ReceiptState).Bind(4, result.SentDueAt).Bind(5, now)
                .Bind(6, result.DeliveryId).Execute();
            if (changed == 0)
            {
                continue; // cancelled meanwhile, or already settled by an earlier attempt
            }

            var d = byId[result.DeliveryId];
            spend[d.AccountId] = spend.GetValueOrDefault(d.AccountId) + d.CostMicros;
            events.Transition(d.SendId, d.Seq, d.Recipient, DeliveryStates.Sent, DeliveryStates.Processing, null, null);
            if (result is { Parts.Count: > 0, Route: { } route })
            {
                StoreParts(ctx, events, route, d.DeliveryId, result.Parts, now);
            }
        }

        foreach (var result in results)
        {
            if (result.Accepted)
            {
                continue;
            }

            if (result.LeaseLost)
            {
                // Given up by this node (another may have it): only what the carrier acknowledged is recorded.
                if (result is { Parts.Count: > 0, Route: { } lostRoute })
                {
                    StoreParts(ctx, events, lostRoute, result.DeliveryId, result.Parts, now);
                }

                continue;
            }

            var row = ReadDeliveryForUpdate(ctx, result.DeliveryId);
            if (row is null || row.State != DeliveryStates.Processing)
            {
                continue; // cancelled meanwhile, or already settled by an earlier attempt
            }

            if (result.Retryable)
            {
                if (result is { Parts.Count: > 0, Route: { } route })
                {
                    StoreParts(ctx, events, route, row.Id, result.Parts, now); // acknowledged parts are not submitted again
                }

                var cmd = ctx.Command($"UPDATE deliveries SET state='{DeliveryStates.Queued}', due_at=@due, lease_until=0, updated_at=@now, error_code=@ec, error_message=@em, carrier_error=@ce WHERE id=@id");
                cmd.Parameters.AddWithValue("@due", result.RetryNow ? now : now + (long)retryDelay.TotalMilliseconds);
                cmd.Parameters.AddWithValue("@now", now);
                cmd.Parameters.AddWithValue("@ec", (object?)result.ErrorCode ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@em", (object?)result.ErrorMessage ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@ce", (object?)result.CarrierError ?? DBNull.Value);
                cmd.Parameters.AddWithValue("@id", result.DeliveryId);
                cmd.ExecuteNonQuery();
            }
            else
            {
                Settle(ctx, row, DeliveryStates.Failed, result.ErrorCode, result.ErrorMessage, now, carrier, result.CarrierRef, result.CarrierError);
                Refund(ctx, row.AccountId, row.SendId, row.CostMicros, now);
                events.Transition(row.SendId, row.Seq, row.Recipient, DeliveryStates.Failed, DeliveryStates.Processing, result.ErrorCode, result.ErrorMessage, result.CarrierError);
            }
        }

        foreach (var (accountId, micros) in spend)
        {
            var cmd = ctx.Command("UPDATE accounts SET reserved_micros = reserved_micros - @m WHERE id=@a");
            cmd.Parameters.AddWithValue("@m", micros);
            cmd.Parameters.AddWithValue("@a", accountId);
            cmd.ExecuteNonQuery();
            Ledger(ctx, accountId, "spend", micros, null, now);
        }
    }

    /// <summary>
    /// Applies receipts announced at submit (the sandbox carrier's) whose time has come. Returns how many. One read takes
    /// the due rows through <c>ix_deliveries_receipts</c> with their send's webhook target joined in (what the events
    /// need, so no second lookup per send), then each row is settled by its rowid.
    /// </summary>
    public Task<int> ApplyDueAnnouncedReceiptsAsync(int max, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var events = new EventWriter(ctx, now);
        var applied = new List<(long Id, long SendId, int Seq, string Recipient, string State)>();
        foreach (var row in ctx.Raw(DueReceiptsSql).Bind(1, now).Bind(2, max).Rows())
        {
            var sendId = row.Int64(1);
            applied.Add((row.Int64(0), sendId, (int)row.Int64(2), row.Text(3)!, row.Text(4)!));
            events.SeedFrom(sendId, row, 5);
        }

        var settle = ctx.Raw("""
            UPDATE deliveries SET state=?2, error_code=?3, error_message=?4, receipt_state=NULL, lease_until=0, due_at=?5, updated_at=?5, final_at=?5
            WHERE id=?1
            """);
        foreach (var a in applied)
        {
            var (code, message) = ReceiptErrors.For(a.State);
            settle.Bind(1, a.Id).Bind(2, a.State).Bind(3, code).Bind(4, message).Bind(5, now).Execute();
            events.Transition(a.SendId, a.Seq, a.Recipient, a.State, DeliveryStates.Sent, code, message);
        }

        return applied.Count;
    }, cancellationToken);

    /// <summary>Announced receipts that are due, oldest first, through <c>ix_deliveries_receipts</c>, with each send's webhook target.</summary>
    internal const string DueReceiptsSql = "SELECT d.id, d.send_id, d.seq, d.recipient, d.receipt_state, " + TargetColumns + "\n" + $"""
        FROM deliveries d JOIN sends s ON s.id = d.send_id JOIN api_keys k ON k.id = s.key_id
        WHERE d.state = '{DeliveryStates.Sent}' AND d.receipt_state IS NOT NULL AND d.due_at <= ?1 ORDER BY d.due_at LIMIT ?2
        """;

    /// <summary>The earliest announced receipt not yet applied.</summary>
    public ValueTask<long?> NextAnnouncedReceiptAtAsync(CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command($"SELECT MIN(due_at) FROM deliveries WHERE state='{DeliveryStates.Sent}' AND receipt_state IS NOT NULL");
        return cmd.ExecuteScalar() is long v ? v : (long?)null;
    }));

    private sealed record DeliveryRow(long Id, long SendId, int Seq, string Recipient, string State, long AccountId, long CostMicros);

    private static DeliveryRow? ReadDeliveryForUpdate(SqlContext ctx, long id)
    {
        var cmd = ctx.Command("""
            SELECT d.id, d.send_id, d.seq, d.recipient, d.state, s.account_id, s.unit_price_micros * s.segments
            FROM deliveries d JOIN sends s ON s.id = d.send_id WHERE d.id=@id
            """);
        cmd.Parameters.AddWithValue("@id", id);
        using var r = cmd.ExecuteReader();
        return r.Read() ? new DeliveryRow(r.GetInt64(0), r.GetInt64(1), r.GetInt32(2), r.GetString(3), r.GetString(4), r.GetInt64(5), r.GetInt64(6)) : null;
    }

    private static void Settle(SqlContext ctx, DeliveryRow row, string state, int? errorCode, string? errorMessage, long now, string? carrier, string? carrierRef,
        string? carrierError = null)
    {
        var cmd = ctx.Command($"""
            UPDATE deliveries SET state=@st, error_code=@ec, error_message=@em, carrier_error=@ce, lease_until=0, due_at=@now, updated_at=@now, receipt_state=NULL,
              carrier=COALESCE(@c, carrier), carrier_ref=COALESCE(@ref, carrier_ref), final_at=@now WHERE id=@id
            """);
        cmd.Parameters.AddWithValue("@st", state);
        cmd.Parameters.AddWithValue("@ec", (object?)errorCode ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@em", (object?)errorMessage ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@ce", (object?)carrierError ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.Parameters.AddWithValue("@c", (object?)carrier ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@ref", (object?)carrierRef ?? DBNull.Value);
        cmd.Parameters.AddWithValue("@id", row.Id);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Deliveries waiting for hand-off (for the queue-depth metric).</summary>
    public ValueTask<long> CountPendingDeliveriesAsync(CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        // The deferred part through its index; the fresh part from the dispatch cursor on (the backlog itself).
        var cmd = ctx.Command("""
            SELECT (SELECT COUNT(*) FROM deliveries d WHERE
            """ + Deferred + $"""
             AND d.state IN ('{DeliveryStates.Pending}','{DeliveryStates.Queued}'))
                 + (SELECT COUNT(*) FROM deliveries
                    WHERE id > (SELECT last_id FROM dispatch_cursor WHERE id = 1) AND state = '{DeliveryStates.Pending}' AND due_at <= pending_at)
            """);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }));

    private static void InsertDeliveries(SqlContext ctx, long sendId, int seq, IReadOnlyList<string> recipients, long dueAt, long now)
    {
        // Numbers are E.164 (+ and digits): joining them into a JSON array needs no escaping.
        var cmd = ctx.Command($"INSERT INTO deliveries(send_id, seq, recipient, state, due_at, updated_at, pending_at) SELECT @s, @q, value, '{DeliveryStates.Pending}', @d, @now, @now FROM json_each(@r)");
        cmd.Parameters.AddWithValue("@s", sendId);
        cmd.Parameters.AddWithValue("@q", seq);
        cmd.Parameters.AddWithValue("@r", "[\"" + string.Join("\",\"", recipients) + "\"]");
        cmd.Parameters.AddWithValue("@d", dueAt);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.ExecuteNonQuery();
    }
}
