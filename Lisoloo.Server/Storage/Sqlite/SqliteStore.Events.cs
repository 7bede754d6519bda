using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// The webhook outbox (<see cref="IEventStore"/>): events written in the transaction of the transition that emits them,
/// claimed and settled by the webhook worker.
/// </summary>
internal sealed partial class SqliteStore
{
    /// <summary>Claims due events: each claim pushes <c>next_attempt_at</c> past the attempt timeout and counts the attempt.</summary>
    public Task<IReadOnlyList<ClaimedEvent>> ClaimEventsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        var list = new List<ClaimedEvent>();
        var cmd = ctx.Command($"""
            SELECT e.id, e.event_id, e.key_id, e.target_url, e.type, e.payload, e.attempts, k.environment, k.webhook_user,
                   k.webhook_password_enc, k.webhook_secret_enc, (k.webhook_url IS NOT NULL AND e.target_url = k.webhook_url),
                   CASE WHEN k.webhook_secret_prev_until > @now THEN k.webhook_secret_prev_enc END
            FROM events e JOIN api_keys k ON k.id = e.key_id
            WHERE e.state='{EventStates.Pending}' AND e.next_attempt_at <= @now ORDER BY e.next_attempt_at LIMIT @n
            """);
        cmd.Parameters.AddWithValue("@now", now);
        cmd.Parameters.AddWithValue("@n", max);
        using (var r = cmd.ExecuteReader())
        {
            while (r.Read())
            {
                list.Add(new ClaimedEvent(r.GetInt64(0), r.GetString(1), r.GetInt64(2), r.GetString(3), r.GetString(4), (byte[])r.GetValue(5),
                    r.GetInt32(6) + 1, r.GetString(7) == "live", NullableString(r, 8), r.IsDBNull(9) ? null : (byte[])r.GetValue(9),
                    (byte[])r.GetValue(10), r.GetInt64(11) == 1)
                {
                    PreviousSecretEncrypted = r.IsDBNull(12) ? null : (byte[])r.GetValue(12),
                });
            }
        }

        var update = ctx.Command("UPDATE events SET attempts=attempts+1, next_attempt_at=@lease WHERE id=@id");
        var pid = update.Parameters.Add("@id", SqliteType.Integer);
        update.Parameters.AddWithValue("@lease", now + (long)lease.TotalMilliseconds);
        foreach (var e in list)
        {
            pid.Value = e.Id;
            update.ExecuteNonQuery();
        }

        return (IReadOnlyList<ClaimedEvent>)list;
    }, cancellationToken);

    /// <summary>Records attempt outcomes; a 410 from the key's own webhook disables that URL for the key.</summary>
    public Task ApplyEventAttemptsAsync(IReadOnlyList<(ClaimedEvent Event, EventAttempt Attempt)> attempts, CancellationToken cancellationToken = default) => db.WriteAsync(ctx =>
    {
        var now = Now;
        foreach (var (evt, attempt) in attempts)
        {
            var state = attempt.Outcome switch
            {
                EventAttemptOutcome.Delivered => EventStates.Delivered,
                EventAttemptOutcome.Retry => EventStates.Pending,
                _ => EventStates.Failed,
            };
            var cmd = ctx.Command($"UPDATE events SET state=@st, next_attempt_at=@next, last_status=@ls, last_error=@le WHERE id=@id AND state='{EventStates.Pending}'");
            cmd.Parameters.AddWithValue("@st", state);
            cmd.Parameters.AddWithValue("@next", attempt.Outcome == EventAttemptOutcome.Retry ? attempt.NextAttemptAt : now);
            cmd.Parameters.AddWithValue("@ls", (object?)attempt.ReceiverStatus ?? DBNull.Value);
            cmd.Parameters.AddWithValue("@le", (object?)attempt.Error ?? DBNull.Value);
            cmd.Parameters.AddWithValue("@id", attempt.Id);
            cmd.ExecuteNonQuery();
            if (attempt.Outcome == EventAttemptOutcome.Gone && evt.FromKeyWebhook)
            {
                cmd = ctx.Command("UPDATE api_keys SET webhook_disabled_at=@now WHERE id=@k AND webhook_url=@u AND webhook_disabled_at IS NULL");
                cmd.Parameters.AddWithValue("@now", now);
                cmd.Parameters.AddWithValue("@k", evt.KeyId);
                cmd.Parameters.AddWithValue("@u", evt.TargetUrl);
                cmd.ExecuteNonQuery();
                cmd = ctx.Command($"UPDATE events SET state='{EventStates.Disabled}' WHERE key_id=@k AND target_url=@u AND state='{EventStates.Pending}'");
                cmd.Parameters.AddWithValue("@k", evt.KeyId);
                cmd.Parameters.AddWithValue("@u", evt.TargetUrl);
                cmd.ExecuteNonQuery();
            }
        }

        return 0;
    }, cancellationToken);

    /// <summary>Outbox rows by state (for tests, metrics and operators).</summary>
    public ValueTask<IReadOnlyDictionary<string, long>> CountEventsAsync(CancellationToken cancellationToken = default) => new(db.Query(ctx =>
    {
        var cmd = ctx.Command("SELECT state, COUNT(*) FROM events GROUP BY state");
        using var r = cmd.ExecuteReader();
        var d = new Dictionary<string, long>(StringComparer.Ordinal);
        while (r.Read())
        {
            d[r.GetString(0)] = r.GetInt64(1);
        }

        return (IReadOnlyDictionary<string, long>)d;
    }));

    /// <summary>
    /// Writes one outbox event per recipient transition, only when the send has a target (its callback URL, else the
    /// key's enabled webhook URL) and the key subscribes to the event type. The payload is fixed at insert, so every
    /// retry carries the same bytes and the same id.
    /// </summary>
    private sealed class EventWriter(SqlContext ctx, long now)
    {
        private readonly Dictionary<long, SendTarget?> _targets = [];

        private sealed record SendTarget(string MessageId, long KeyId, string Url, string? Events, int Segments, string? SenderId);

        /// <summary>Records a send's target from columns the caller already read.</summary>
        public void Seed(long sendId, string messageId, long keyId, string? url, string? events, int segments, string? senderId) =>
            _targets[sendId] = url is null ? null : new SendTarget(messageId, keyId, url, events, segments, senderId);

        /// <summary>Records a send's target from the <see cref="TargetColumns"/> of the current row, starting at <paramref name="first"/>.</summary>
        public void SeedFrom(long sendId, RawStatement row, int first) =>
            Seed(sendId, row.Text(first)!, row.Int64(first + 1), row.Text(first + 2), row.Text(first + 3), (int)row.Int64(first + 4), row.Text(first + 5));

        /// <summary>Loads the targets of many sends in one query.</summary>
        public void Preload(IEnumerable<long> sendIds)
        {
            var missing = sendIds.Where(id => !_targets.ContainsKey(id)).Distinct().ToList();
            if (missing.Count == 0)
            {
                return;
            }

            var query = ctx.Raw("SELECT s.id, " + TargetColumns + "\n" + """
                FROM sends s JOIN api_keys k ON k.id = s.key_id WHERE s.id IN (SELECT value FROM json_each(?1))
                """).Bind(1, IdArray(missing));
            foreach (var row in query.Rows())
            {
                SeedFrom(row.Int64(0), row, 1);
            }
        }

        public void Transition(long sendId, int seq, string recipient, string status, string previous, int? errorCode, string? errorMessage, string? carrierError = null)
        {
            var type = EventPayload.TypeFor(status);
            if (type is null)
            {
                return;
            }

            if (!_targets.TryGetValue(sendId, out var target))
            {
                Preload([sendId]);
                target = _targets.GetValueOrDefault(sendId);
            }

            if (target is null || !EventPayload.Subscribed(target.Events, type))
            {
                return;
            }

            var eventId = EventPayload.NewEventId(now);
            var payload = EventPayload.Write(eventId, type, now, target.MessageId, recipient, status, previous, target.Segments, errorCode, errorMessage, seq, target.SenderId, carrierError);
            ctx.Raw($"INSERT INTO events(event_id, key_id, target_url, type, payload, state, next_attempt_at, created_at) VALUES (?1,?2,?3,?4,?5,'{EventStates.Pending}',?6,?6)")
                .Bind(1, eventId).Bind(2, target.KeyId).Bind(3, target.Url).Bind(4, type).Bind(5, payload.AsSpan()).Bind(6, now).Execute();
        }
    }
}
