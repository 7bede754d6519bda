using System.Security.Cryptography;
using System.Threading.Channels;
using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// Sends as the API sees them (<see cref="ISendStore"/>): accept, status, cancel, pause and resume, and idempotency
/// records.
/// <para>
/// The accept path: requests queue for one loop per node that writes every waiting accept in one transaction (group
/// commit, up to <c>Store:MaxBatch</c>), with multi-row statements, so a batch costs a handful of round trips whatever
/// its size. Nodes do not coordinate in memory; the database serialises what must be serial:
/// <list type="bullet">
/// <item>the key is read again inside the transaction (a revocation on any node refuses the accept at once);</item>
/// <item>an <c>Idempotency-Key</c> is claimed with <c>INSERT … ON CONFLICT</c> on its primary key, in key order, so two
/// nodes racing on one key wait for each other and exactly one stores a send; the other replays its response;</item>
/// <item>the accounts are locked in id order (<c>FOR NO KEY UPDATE</c>: the foreign keys of other transactions' inserts do
/// not wait on it), the accepts are priced against the locked balance in
/// queue order, and the debit is a guarded <c>UPDATE … WHERE balance_micros &gt;= x</c> in the transaction that
/// writes the <c>reserve</c> ledger rows.</item>
/// </list>
/// A deadlock or serialization failure runs the batch again; any other failure runs each accept alone, so one bad
/// request never fails the others.
/// </para>
/// </summary>
internal sealed partial class PostgresStore
{
    private readonly AcceptBatcher _accepts;

    /// <inheritdoc/>
    public Task<AcceptOutcome> AcceptSendAsync(ApiKeyInfo key, NewSend send, IdempotencyRequest? idempotency, RecordedResponse response, CancellationToken cancellationToken = default)
        => _accepts.EnqueueAsync(new AcceptRequest(key, send, idempotency, response), cancellationToken);

    private sealed record AcceptRequest(ApiKeyInfo Key, NewSend Send, IdempotencyRequest? Idempotency, RecordedResponse Response);

    /// <summary>One accept's result or its own error.</summary>
    private readonly record struct Outcome(AcceptOutcome? Result, Exception? Error);

    /// <summary>The balances read without a lock had changed by the debit: the batch runs again, locking them first.</summary>
    private sealed class StaleBalanceException() : Exception("A balance read without a lock changed before the debit.");

    /// <summary>
    /// Writes a batch of accepts. With <paramref name="lockFirst"/> false (the first try) the balances are read without a
    /// lock and the guarded debit is the last statement, so the account row, which every node's accepts and workers for
    /// that merchant update, is held only for that statement and the commit. When a guard finds less than was read
    /// (another transaction spent meanwhile) the transaction fails with <see cref="StaleBalanceException"/> and the caller
    /// runs the batch again with <paramref name="lockFirst"/>: accounts locked before pricing, as exact as ever.
    /// </summary>
    private async Task<Outcome[]> WriteAcceptsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<AcceptRequest> items, bool lockFirst)
    {
        var now = Now;
        var since = now - (long)Idempotency.Retention.TotalMilliseconds;
        var outcomes = new Outcome[items.Count];
        var decided = new bool[items.Count];
        var duplicateOf = new int[items.Count];
        Array.Fill(duplicateOf, -1);

        // 1. Keys still active, read inside the transaction (revocation is immediate on every node).
        var keyIds = items.Select(i => i.Key.KeyId).Distinct().ToArray();
        var active = (await Sql.ListAsync(c, tx, "SELECT id FROM api_keys WHERE id = ANY($1) AND revoked_at IS NULL", r => r.GetInt64(0), keyIds).ConfigureAwait(false)).ToHashSet();
        var firstByIdem = new Dictionary<(long, string), int>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!active.Contains(item.Key.KeyId))
            {
                _keyCache.Evict(item.Key.KeyId);
                (outcomes[i], decided[i]) = (new(null, new KeyRevokedException()), true);
            }
            else if (item.Idempotency is { } idem)
            {
                if (firstByIdem.TryGetValue((item.Key.KeyId, idem.Key), out var first))
                {
                    (duplicateOf[i], decided[i]) = (first, true); // settled from the first one at the end
                }
                else
                {
                    firstByIdem[(item.Key.KeyId, idem.Key)] = i;
                }
            }
        }

        // 2. Idempotency: replay what is stored; claim the others' keys (one winner per key across nodes).
        var idemItems = firstByIdem.Values.Where(i => !decided[i]).OrderBy(i => items[i].Key.KeyId).ThenBy(i => items[i].Idempotency!.Key, StringComparer.Ordinal).ToList();
        if (idemItems.Count > 0)
        {
            await ReplayStoredAsync(c, tx, items, idemItems, since, outcomes, decided).ConfigureAwait(false);
            var toClaim = idemItems.Where(i => !decided[i]).ToList();
            if (toClaim.Count > 0)
            {
                var claimed = (await Sql.ListAsync(c, tx, """
                    INSERT INTO idempotency(key_id, idem_key, request_hash, status, response, created_at)
                    SELECT k, i, h, s, r, $6 FROM unnest($1::bigint[], $2::text[], $3::bytea[], $4::int[], $5::bytea[]) AS u(k, i, h, s, r) ORDER BY k, i
                    ON CONFLICT (key_id, idem_key) DO UPDATE SET request_hash = EXCLUDED.request_hash, status = EXCLUDED.status,
                      response = EXCLUDED.response, created_at = EXCLUDED.created_at
                    WHERE idempotency.created_at <= $7
                    RETURNING key_id, idem_key
                    """, r => (r.GetInt64(0), r.GetString(1)),
                    toClaim.Select(i => items[i].Key.KeyId).ToArray(), toClaim.Select(i => items[i].Idempotency!.Key).ToArray(),
                    toClaim.Select(i => items[i].Idempotency!.RequestHash).ToArray(), toClaim.Select(i => items[i].Response.Status).ToArray(),
                    toClaim.Select(i => items[i].Response.Body).ToArray(),
                    now, since).ConfigureAwait(false)).ToHashSet();
                var lost = toClaim.Where(i => !claimed.Contains((items[i].Key.KeyId, items[i].Idempotency!.Key))).ToList();
                if (lost.Count > 0)
                {
                    // Another node stored this key meanwhile (ON CONFLICT waited for its commit): answer with its record.
                    await ReplayStoredAsync(c, tx, items, lost, since, outcomes, decided).ConfigureAwait(false);
                    if (lost.Exists(i => !decided[i]))
                    {
                        throw new InvalidOperationException("An idempotency record was neither claimed nor found.");
                    }
                }
            }
        }

        // 3. Balances: read (locked in id order on the second try), price every accept in queue order, debit with a guard.
        var accountIds = items.Where((_, i) => !decided[i]).Select(i => i.Key.AccountId).Distinct().Order().ToArray();
        var accepted = new List<int>(items.Count);
        var refusedClaims = new List<int>();
        List<KeyValuePair<long, long>> debits = [];
        if (accountIds.Length > 0)
        {
            var balances = (await Sql.ListAsync(c, tx, lockFirst
                    ? "SELECT id, balance_micros FROM accounts WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE"
                    : "SELECT id, balance_micros FROM accounts WHERE id = ANY($1)",
                r => (r.GetInt64(0), r.GetInt64(1)), accountIds).ConfigureAwait(false)).ToDictionary(x => x.Item1, x => x.Item2);
            var spent = new Dictionary<long, long>();
            for (var i = 0; i < items.Count; i++)
            {
                if (decided[i])
                {
                    continue;
                }

                var item = items[i];
                var available = balances.GetValueOrDefault(item.Key.AccountId);
                if (available < item.Send.CostMicros)
                {
                    (outcomes[i], decided[i]) = (new(null, new InsufficientBalanceException(item.Send.CostMicros, available, item.Key.Currency)), true);
                    if (item.Idempotency is not null)
                    {
                        refusedClaims.Add(i);
                    }

                    continue;
                }

                balances[item.Key.AccountId] = available - item.Send.CostMicros;
                spent[item.Key.AccountId] = spent.GetValueOrDefault(item.Key.AccountId) + item.Send.CostMicros;
                accepted.Add(i);
                (outcomes[i], decided[i]) = (new(new AcceptOutcome(item.Response, Replayed: false), null), true);
            }

            if (refusedClaims.Count > 0)
            {
                // A refused accept leaves no idempotency record (as on SQLite): a retry after a top-up is a new request.
                await Sql.ExecAsync(c, tx, "DELETE FROM idempotency WHERE (key_id, idem_key) IN (SELECT * FROM unnest($1::bigint[], $2::text[]))",
                    refusedClaims.Select(i => items[i].Key.KeyId).ToArray(), refusedClaims.Select(i => items[i].Idempotency!.Key).ToArray()).ConfigureAwait(false);
            }

            debits = spent.Where(s => s.Value > 0).OrderBy(s => s.Key).ToList();
        }

        // 4. The rows: sends, reserve ledger rows, deliveries (immediate) or occurrences (scheduled), in one statement.
        if (accepted.Count > 0)
        {
            await InsertSendsAsync(c, tx, items, accepted, now).ConfigureAwait(false);
        }

        // Last on both tries: unlocked, the account row is then held only until the commit; locked, the order is moot.
        await DebitAsync(c, tx, debits, lockFirst).ConfigureAwait(false);

        for (var i = 0; i < items.Count; i++)
        {
            if (duplicateOf[i] is var first and >= 0)
            {
                // The same key twice in one batch: the later one replays (or conflicts with) the earlier one.
                outcomes[i] = CryptographicOperations.FixedTimeEquals(items[first].Idempotency!.RequestHash, items[i].Idempotency!.RequestHash)
                    ? (outcomes[first].Error is { } e ? new(null, e) : new(outcomes[first].Result! with { Replayed = true }, null))
                    : new(null, new IdempotencyKeyReusedException());
            }
        }

        return outcomes;
    }

    /// <summary>Debits each account what its accepts cost, guarded so no balance goes below zero.</summary>
    private static async Task DebitAsync(NpgsqlConnection c, NpgsqlTransaction tx, List<KeyValuePair<long, long>> debits, bool locked)
    {
        if (debits.Count == 0)
        {
            return;
        }

        var debited = await Sql.ExecAsync(c, tx, """
            UPDATE accounts a SET balance_micros = a.balance_micros - d.m, reserved_micros = a.reserved_micros + d.m
            FROM unnest($1::bigint[], $2::bigint[]) AS d(id, m) WHERE a.id = d.id AND a.balance_micros >= d.m
            """, debits.Select(d => d.Key).ToArray(), debits.Select(d => d.Value).ToArray()).ConfigureAwait(false);
        if (debited != debits.Count)
        {
            throw locked
                ? new InvalidOperationException("A guarded debit found less balance than the locked row showed.")
                : new StaleBalanceException();
        }
    }

    /// <summary>Answers the accepts of <paramref name="which"/> whose key has a live record: replay, or a refusal for another body.</summary>
    private static async Task ReplayStoredAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<AcceptRequest> items, List<int> which, long since, Outcome[] outcomes, bool[] decided)
    {
        var stored = await Sql.ListAsync(c, tx, """
            SELECT key_id, idem_key, request_hash, status, response FROM idempotency
            WHERE (key_id, idem_key) IN (SELECT * FROM unnest($1::bigint[], $2::text[])) AND created_at > $3
            """, r => (Key: (r.GetInt64(0), r.GetString(1)), Hash: (byte[])r.GetValue(2), Status: r.GetInt32(3), Response: (byte[])r.GetValue(4)),
            which.Select(i => items[i].Key.KeyId).ToArray(), which.Select(i => items[i].Idempotency!.Key).ToArray(), since).ConfigureAwait(false);
        var byKey = stored.ToDictionary(s => s.Key);
        foreach (var i in which)
        {
            if (byKey.TryGetValue((items[i].Key.KeyId, items[i].Idempotency!.Key), out var record))
            {
                outcomes[i] = CryptographicOperations.FixedTimeEquals(record.Hash, items[i].Idempotency!.RequestHash)
                    ? new(new AcceptOutcome(new RecordedResponse(record.Status, record.Response), Replayed: true), null)
                    : new(null, new IdempotencyKeyReusedException());
                decided[i] = true;
            }
        }
    }

    private static async Task InsertSendsAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<AcceptRequest> items, List<int> accepted, long now)
    {
        var n = accepted.Count;
        var messageIds = new string[n];
        var keyIds = new long[n];
        var accountIds = new long[n];
        var types = new string[n];
        var bodies = new string[n];
        var senders = new string?[n];
        var encodings = new string[n];
        var segments = new int[n];
        var recipients = new string[n];
        var totalRecipients = new int[n];
        var occurrenceCounts = new int[n];
        var totalMessages = new long[n];
        var unitPrices = new long[n];
        var costs = new long[n];
        var currencies = new string[n];
        var callbacks = new string?[n];
        var zones = new string?[n];
        var schedules = new string?[n];
        var firstAt = new long[n];
        var occMessage = new List<string>();
        var occSeq = new List<int>();
        var occDue = new List<long>();
        for (var j = 0; j < n; j++)
        {
            var (key, send) = (items[accepted[j]].Key, items[accepted[j]].Send);
            var immediate = send.SendingType == SendingTypes.Immediate;
            messageIds[j] = send.MessageId;
            keyIds[j] = key.KeyId;
            accountIds[j] = key.AccountId;
            types[j] = send.SendingType;
            bodies[j] = send.Body;
            senders[j] = send.SenderId;
            encodings[j] = send.Encoding;
            segments[j] = send.Segments;
            recipients[j] = string.Join('\n', send.Recipients);
            totalRecipients[j] = send.Recipients.Count;
            occurrenceCounts[j] = send.OccurrencesAt.Count;
            totalMessages[j] = (long)send.Recipients.Count * send.Segments * send.OccurrencesAt.Count;
            unitPrices[j] = key.UnitPriceMicros;
            costs[j] = send.CostMicros;
            currencies[j] = key.Currency;
            callbacks[j] = send.CallbackUrl;
            zones[j] = send.TimeZone;
            schedules[j] = send.ScheduleJson;
            firstAt[j] = immediate ? now + (send.CancelWithinSeconds * 1000L) : send.OccurrencesAt[0];
            if (!immediate)
            {
                for (var q = 0; q < send.OccurrencesAt.Count; q++)
                {
                    occMessage.Add(send.MessageId);
                    occSeq.Add(q + 1);
                    occDue.Add(send.OccurrencesAt[q]);
                }
            }
        }

        await Sql.ExecAsync(c, tx, $"""
            WITH s AS (
              INSERT INTO sends(message_id, key_id, account_id, sending_type, body, sender_id, encoding, segments, recipients,
                total_recipients, occurrences, total_messages, unit_price_micros, total_cost_micros, currency, callback_url,
                timezone, schedule, state, created_at, first_send_at)
              SELECT m, k, a, t, b, sid, enc, seg, rc, nr, no, tm, up, cost, cur, cb, tz, sch, '{SendStates.Active}', $20, f
              FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::text[],
                $10::int[], $11::int[], $12::bigint[], $13::bigint[], $14::bigint[], $15::text[], $16::text[], $17::text[], $18::text[],
                $19::bigint[]) WITH ORDINALITY AS u(m, k, a, t, b, sid, enc, seg, rc, nr, no, tm, up, cost, cur, cb, tz, sch, f, o)
              ORDER BY o
              RETURNING id, message_id, account_id, total_cost_micros, sending_type, first_send_at, recipients
            ),
            l AS (
              INSERT INTO ledger_entries(account_id, kind, amount_micros, send_id, created_at)
              SELECT account_id, 'reserve', total_cost_micros, id, $20 FROM s WHERE total_cost_micros > 0
            ),
            d AS (
              INSERT INTO deliveries(send_id, seq, recipient, state, due_at, updated_at, pending_at)
              SELECT s.id, 1, r.v, '{DeliveryStates.Pending}', s.first_send_at, $20, $20
              FROM s CROSS JOIN LATERAL unnest(string_to_array(s.recipients, E'\n')) WITH ORDINALITY AS r(v, o)
              WHERE s.sending_type = '{SendingTypes.Immediate}' ORDER BY s.id, r.o
            )
            INSERT INTO occurrences(send_id, seq, due_at, state)
            SELECT s.id, x.q, x.due, '{OccurrenceStates.Scheduled}' FROM unnest($21::text[], $22::int[], $23::bigint[]) AS x(m, q, due) JOIN s ON s.message_id = x.m
            """,
            messageIds, keyIds, accountIds, types, bodies, senders, encodings, segments, recipients, totalRecipients, occurrenceCounts,
            totalMessages, unitPrices, costs, currencies, callbacks, zones, schedules, firstAt, now,
            occMessage.ToArray(), occSeq.ToArray(), occDue.ToArray()).ConfigureAwait(false);
    }

    /// <summary>One loop per node that writes every waiting accept in one transaction.</summary>
    private sealed class AcceptBatcher(PostgresStore store, int maxBatch) : IAsyncDisposable
    {
        private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
            new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

        private Task? _loop;

        public int QueueDepth => _queue.Reader.Count;

        public async Task<AcceptOutcome> EnqueueAsync(AcceptRequest request, CancellationToken cancellationToken)
        {
            EnsureStarted();
            var pending = new Pending(request);
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
            return await pending.Completion.Task.ConfigureAwait(false);
        }

        private void EnsureStarted()
        {
            if (Volatile.Read(ref _loop) is null)
            {
                lock (_queue)
                {
                    _loop ??= Task.Run(LoopAsync);
                }
            }
        }

        private async Task LoopAsync()
        {
            var reader = _queue.Reader;
            var batch = new List<Pending>(maxBatch);
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                while (batch.Count < maxBatch && reader.TryRead(out var p))
                {
                    batch.Add(p);
                }

                if (batch.Count > 0)
                {
                    await RunAsync(batch).ConfigureAwait(false);
                }
            }
        }

        private async Task RunAsync(List<Pending> batch)
        {
            var requests = batch.Select(p => p.Request).ToList();
            try
            {
                Outcome[] outcomes;
                try
                {
                    outcomes = await store._db.InTransactionAsync((c, tx) => store.WriteAcceptsAsync(c, tx, requests, lockFirst: false), CancellationToken.None).ConfigureAwait(false);
                }
                catch (StaleBalanceException)
                {
                    outcomes = await store._db.InTransactionAsync((c, tx) => store.WriteAcceptsAsync(c, tx, requests, lockFirst: true), CancellationToken.None).ConfigureAwait(false);
                }

                // Accepts write (a send, a debit, an idempotency row): the store takes writes again.
                store._db.WriteSucceeded();
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Complete(outcomes[i]);
                }
            }
            catch (Exception ex) when (StoreOutage.Is(ex))
            {
                // The database is down or full: each accept alone would fail the same way (the outage is logged once).
                foreach (var p in batch)
                {
                    p.Complete(new Outcome(null, ex));
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && batch.Count > 1)
            {
                StoreLog.AcceptBatchFailed(store._logger, ex, batch.Count);
                foreach (var p in batch)
                {
                    await RunAsync([p]).ConfigureAwait(false);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                batch[0].Complete(new Outcome(null, ex));
            }
        }

        public async ValueTask DisposeAsync()
        {
            _queue.Writer.TryComplete();
            if (Volatile.Read(ref _loop) is { } loop)
            {
                await loop.ConfigureAwait(false);
            }
        }
    }

    private sealed class Pending(AcceptRequest request)
    {
        public AcceptRequest Request => request;

        public TaskCompletionSource<AcceptOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Complete(Outcome outcome)
        {
            if (outcome.Error is { } error)
            {
                Completion.TrySetException(error);
            }
            else
            {
                Completion.TrySetResult(outcome.Result!);
            }
        }
    }

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
