using Lisoloo.Server.Lifecycle;
using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>
/// The webhook outbox (<see cref="IEventStore"/>): events written in the transaction of the transition that emits them,
/// claimed and settled by the webhook worker.
/// </summary>
internal sealed partial class PostgresStore
{
    /// <inheritdoc/>
    public Task<IReadOnlyList<ClaimedEvent>> ClaimEventsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var list = await Sql.ListAsync(c, tx, $"""
            WITH due AS (
              SELECT id FROM events WHERE state='{EventStates.Pending}' AND next_attempt_at <= $1 ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED
            )
            UPDATE events e SET attempts = e.attempts + 1, next_attempt_at = $3, claimed_by = $4
            FROM due, api_keys k WHERE e.id = due.id AND k.id = e.key_id
            RETURNING e.id, e.event_id, e.key_id, e.target_url, e.type, e.payload, e.attempts, k.environment, k.webhook_user,
                      k.webhook_password_enc, k.webhook_secret_enc, (k.webhook_url IS NOT NULL AND e.target_url = k.webhook_url),
                      CASE WHEN k.webhook_secret_prev_until > $1 THEN k.webhook_secret_prev_enc END
            """, r => new ClaimedEvent(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), (byte[])r.GetValue(5),
                r.GetInt32(6), r.GetString(7) == "live", r.NullableString(8), r.NullableBytes(9), (byte[])r.GetValue(10), r.GetBoolean(11))
            {
                PreviousSecretEncrypted = r.NullableBytes(12),
            }, now, max, now + (long)lease.TotalMilliseconds, NodeId).ConfigureAwait(false);
        list.Sort((a, b) => a.Id.CompareTo(b.Id));
        return (IReadOnlyList<ClaimedEvent>)list;
    }, cancellationToken);

    /// <inheritdoc/>
    public Task ApplyEventAttemptsAsync(IReadOnlyList<(ClaimedEvent Event, EventAttempt Attempt)> attempts, CancellationToken cancellationToken = default) => _db.InTransactionAsync(async (c, tx) =>
    {
        var now = Now;
        var n = attempts.Count;
        var ids = new long[n];
        var states = new string[n];
        var next = new long[n];
        var statuses = new int?[n];
        var errors = new string?[n];
        for (var i = 0; i < n; i++)
        {
            var attempt = attempts[i].Attempt;
            ids[i] = attempt.Id;
            states[i] = attempt.Outcome switch
            {
                EventAttemptOutcome.Delivered => EventStates.Delivered,
                EventAttemptOutcome.Retry => EventStates.Pending,
                _ => EventStates.Failed,
            };
            next[i] = attempt.Outcome == EventAttemptOutcome.Retry ? attempt.NextAttemptAt : now;
            statuses[i] = attempt.ReceiverStatus;
            errors[i] = attempt.Error;
        }

        await Sql.ExecAsync(c, tx, $"""
            UPDATE events e SET state = u.st, next_attempt_at = u.nx, last_status = u.ls, last_error = u.le, claimed_by = NULL
            FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::int[], $5::text[]) AS u(id, st, nx, ls, le)
            WHERE e.id = u.id AND e.state = '{EventStates.Pending}'
            """, ids, states, next, statuses, errors).ConfigureAwait(false);
        foreach (var (evt, attempt) in attempts)
        {
            if (attempt.Outcome == EventAttemptOutcome.Gone && evt.FromKeyWebhook)
            {
                await Sql.ExecAsync(c, tx, "UPDATE api_keys SET webhook_disabled_at=$1 WHERE id=$2 AND webhook_url=$3 AND webhook_disabled_at IS NULL",
                    now, evt.KeyId, evt.TargetUrl).ConfigureAwait(false);
                await Sql.ExecAsync(c, tx, $"UPDATE events SET state='{EventStates.Disabled}' WHERE key_id=$1 AND target_url=$2 AND state='{EventStates.Pending}'",
                    evt.KeyId, evt.TargetUrl).ConfigureAwait(false);
            }
        }

        return 0;
    }, cancellationToken);

    /// <inheritdoc/>
    public ValueTask<IReadOnlyDictionary<string, long>> CountEventsAsync(CancellationToken cancellationToken = default) => _db.RunAsync(async c =>
        (IReadOnlyDictionary<string, long>)(await Sql.ListAsync(c, null, "SELECT state, COUNT(*) FROM events GROUP BY state",
            r => (r.GetString(0), r.GetInt64(1))).ConfigureAwait(false)).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal), cancellationToken);

    /// <summary>
    /// Collects the outbox events of one transaction and writes them with one multi-row statement at the end
    /// (<see cref="FlushAsync"/>). Same rules as the SQLite provider's writer: one event per recipient transition, only
    /// when the send has a target (its callback URL, else the key's enabled webhook URL) the key subscribes with; the
    /// payload is fixed at insert, so every retry carries the same bytes and id.
    /// <para>
    /// It also holds the transaction's spends (reserve → spend, per account), written last: the account row is the one
    /// every node's accepts and workers for that merchant update, so it is locked by the final statement before the
    /// commit rather than held across the transaction's other round trips.
    /// </para>
    /// </summary>
    private sealed class EventBuffer(NpgsqlConnection c, NpgsqlTransaction tx, long now)
    {
        private readonly SortedDictionary<long, long> _spend = [];
        private readonly Dictionary<long, SendTarget?> _targets = [];
        private readonly List<string> _eventIds = [];
        private readonly List<long> _keyIds = [];
        private readonly List<string> _urls = [];
        private readonly List<string> _types = [];
        private readonly List<byte[]> _payloads = [];

        private sealed record SendTarget(string MessageId, long KeyId, string Url, string? Events, int Segments, string? SenderId);

        public int Count => _eventIds.Count;

        /// <summary>Records a send's target from columns the caller already read.</summary>
        public void Seed(long sendId, string messageId, long keyId, string? url, string? events, int segments, string? senderId) =>
            _targets[sendId] = url is null ? null : new SendTarget(messageId, keyId, url, events, segments, senderId);

        /// <summary>Loads the targets of many sends in one query.</summary>
        public async Task PreloadAsync(IEnumerable<long> sendIds)
        {
            var missing = sendIds.Where(id => !_targets.ContainsKey(id)).Distinct().ToArray();
            if (missing.Length == 0)
            {
                return;
            }

            var rows = await Sql.ListAsync(c, tx, """
                SELECT s.id, s.message_id, s.key_id, COALESCE(s.callback_url, CASE WHEN k.webhook_disabled_at IS NULL THEN k.webhook_url END), k.webhook_events, s.segments, s.sender_id
                FROM sends s JOIN api_keys k ON k.id = s.key_id WHERE s.id = ANY($1)
                """, r => (r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.NullableString(3), r.NullableString(4), r.GetInt32(5), r.NullableString(6)), missing).ConfigureAwait(false);
            foreach (var (id, messageId, keyId, url, events, segments, sender) in rows)
            {
                Seed(id, messageId, keyId, url, events, segments, sender);
            }

            foreach (var id in missing)
            {
                _targets.TryAdd(id, null);
            }
        }

        public async Task TransitionAsync(long sendId, int seq, string recipient, string status, string previous, int? errorCode, string? errorMessage, string? carrierError = null)
        {
            var type = EventPayload.TypeFor(status);
            if (type is null)
            {
                return;
            }

            if (!_targets.ContainsKey(sendId))
            {
                await PreloadAsync([sendId]).ConfigureAwait(false);
            }

            var target = _targets.GetValueOrDefault(sendId);
            if (target is null || !EventPayload.Subscribed(target.Events, type))
            {
                return;
            }

            var eventId = EventPayload.NewEventId(now);
            Add(eventId, target.KeyId, target.Url, type,
                EventPayload.Write(eventId, type, now, target.MessageId, recipient, status, previous, target.Segments, errorCode, errorMessage, seq, target.SenderId, carrierError));
        }

        public void Add(string eventId, long keyId, string url, string type, byte[] payload)
        {
            _eventIds.Add(eventId);
            _keyIds.Add(keyId);
            _urls.Add(url);
            _types.Add(type);
            _payloads.Add(payload);
        }

        /// <summary>Records that <paramref name="micros"/> of the account's reserve became spend (written by <see cref="FlushAsync"/>).</summary>
        public void Spend(long accountId, long micros) => _spend[accountId] = _spend.GetValueOrDefault(accountId) + micros;

        /// <summary>Writes the collected events (in the order they were made), then the spends, each account's row last.</summary>
        public async Task FlushAsync()
        {
            await FlushEventsAsync().ConfigureAwait(false);
            if (_spend.Count == 0)
            {
                return;
            }

            var accounts = _spend.Keys.ToArray();
            var amounts = _spend.Values.ToArray();
            _spend.Clear();
            if (accounts.Length == 1)
            {
                await Sql.ExecAsync(c, tx, """
                    WITH l AS (INSERT INTO ledger_entries(account_id, kind, amount_micros, send_id, created_at) VALUES ($1, 'spend', $2, NULL, $3))
                    UPDATE accounts SET reserved_micros = reserved_micros - $2 WHERE id = $1
                    """, accounts[0], amounts[0], now).ConfigureAwait(false);
                return;
            }

            await Sql.ExecAsync(c, tx, """
                INSERT INTO ledger_entries(account_id, kind, amount_micros, send_id, created_at)
                SELECT a, 'spend', m, NULL, $3 FROM unnest($1::bigint[], $2::bigint[]) AS u(a, m)
                """, accounts, amounts, now).ConfigureAwait(false);
            for (var i = 0; i < accounts.Length; i++)
            {
                // One by one in id order, as the accepts lock them: two transactions never wait on each other's rows in a cycle.
                await Sql.ExecAsync(c, tx, "UPDATE accounts SET reserved_micros = reserved_micros - $1 WHERE id = $2", amounts[i], accounts[i]).ConfigureAwait(false);
            }
        }

        private async Task FlushEventsAsync()
        {
            if (_eventIds.Count == 0)
            {
                return;
            }

            await Sql.ExecAsync(c, tx, $"""
                INSERT INTO events(event_id, key_id, target_url, type, payload, state, next_attempt_at, created_at)
                SELECT e, k, u, t, p, '{EventStates.Pending}', $6, $6 FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::bytea[]) WITH ORDINALITY AS x(e, k, u, t, p, o)
                ORDER BY o
                """, _eventIds.ToArray(), _keyIds.ToArray(), _urls.ToArray(), _types.ToArray(), _payloads.ToArray(), now).ConfigureAwait(false);
            _eventIds.Clear();
            _keyIds.Clear();
            _urls.Clear();
            _types.Clear();
            _payloads.Clear();
        }
    }
}
