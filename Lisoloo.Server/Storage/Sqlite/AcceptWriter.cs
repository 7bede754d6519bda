using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// Writes every accept of a group commit together: balances are checked in queue order in memory against one read of
/// each account, then one UPDATE per account; the rows themselves (send, reserve, deliveries, occurrences) go through
/// statements prepared once and bound by position (<see cref="RawStatement"/>). An accept the balance cannot cover is
/// refused whole (<see cref="InsufficientBalanceException"/>) without writing anything for it; the <c>CHECK (balance_micros &gt;= 0)</c> constraint still
/// guards the sum. The key of each accept is checked here, inside the transaction, to be still unrevoked: the request
/// path authenticates from a cache (see <c>KeyCache</c>), and this check is what makes a revocation take effect at once.
/// </summary>
internal sealed class AcceptWriter(TimeProvider time, KeyCache? keys = null) : IGroupWriter<AcceptItem, AcceptOutcome>
{
    private const string InsertSend = $"""
        INSERT INTO sends(message_id, key_id, account_id, sending_type, body, sender_id, encoding, segments, recipients,
          total_recipients, occurrences, total_messages, unit_price_micros, total_cost_micros, currency, callback_url,
          timezone, schedule, state, created_at, first_send_at)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, '{SendStates.Active}', ?19, ?20)
        """;

    private const string InsertReserve = "INSERT INTO ledger_entries(account_id, kind, amount_micros, send_id, created_at) VALUES (?1, 'reserve', ?2, ?3, ?4)";

    private const string InsertDelivery = $"INSERT INTO deliveries(send_id, seq, recipient, state, due_at, updated_at, pending_at) VALUES (?1, 1, ?2, '{DeliveryStates.Pending}', ?3, ?4, ?4)";

    private const string InsertOccurrence = $"INSERT INTO occurrences(send_id, seq, due_at, state) VALUES (?1, ?2, ?3, '{OccurrenceStates.Scheduled}')";

    public void Run(SqlContext ctx, IReadOnlyList<AcceptItem> items, GroupOutcome<AcceptOutcome>[] outcomes)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var accepted = new List<int>(items.Count);
        var seenKeys = new Dictionary<(long KeyId, string Key), int>();

        // Keys still active, and balances: one read per key and per account, then every item in queue order.
        var active = new Dictionary<long, bool>();
        var balances = new Dictionary<long, long>();
        var keyRead = ctx.Raw("SELECT revoked_at IS NULL FROM api_keys WHERE id = ?1");
        var balanceRead = ctx.Raw("SELECT balance_micros FROM accounts WHERE id = ?1");
        foreach (var item in items)
        {
            if (!active.ContainsKey(item.Key.KeyId))
            {
                active[item.Key.KeyId] = keyRead.Bind(1, item.Key.KeyId).TryExecuteInt64(out var isActive) && isActive == 1;
            }

            if (!balances.ContainsKey(item.Key.AccountId))
            {
                balances[item.Key.AccountId] = balanceRead.Bind(1, item.Key.AccountId).TryExecuteInt64(out var balance) ? balance : 0;
            }
        }

        var spent = new Dictionary<long, long>();
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            if (!active[item.Key.KeyId])
            {
                keys?.Evict(item.Key.KeyId);
                outcomes[i] = new(null, new KeyRevokedException());
                continue;
            }

            if (item.Idempotency is { } idem)
            {
                if (seenKeys.TryGetValue((item.Key.KeyId, idem.Key), out var first))
                {
                    // The same key twice in one batch: the later one replays (or conflicts with) the earlier one.
                    var earlier = items[first];
                    outcomes[i] = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(earlier.Idempotency!.RequestHash, idem.RequestHash)
                        ? (outcomes[first].Error is { } e ? new(null, e) : new(outcomes[first].Result! with { Replayed = true }, null))
                        : new(null, new IdempotencyKeyReusedException());
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
                catch (IdempotencyKeyReusedException ex)
                {
                    outcomes[i] = new(null, ex);
                    continue;
                }
            }

            var available = balances[item.Key.AccountId];
            if (available < item.Send.CostMicros)
            {
                outcomes[i] = new(null, new InsufficientBalanceException(item.Send.CostMicros, available, item.Key.Currency));
                continue;
            }

            balances[item.Key.AccountId] = available - item.Send.CostMicros;
            spent[item.Key.AccountId] = spent.GetValueOrDefault(item.Key.AccountId) + item.Send.CostMicros;
            accepted.Add(i);
            outcomes[i] = new(new AcceptOutcome(item.Response, Replayed: false), null);
        }

        if (accepted.Count == 0)
        {
            return;
        }

        var debit = ctx.Raw("UPDATE accounts SET balance_micros = balance_micros - ?1, reserved_micros = reserved_micros + ?1 WHERE id = ?2");
        foreach (var (accountId, micros) in spent)
        {
            debit.Bind(1, micros).Bind(2, accountId).Execute();
        }

        var insertSend = ctx.Raw(InsertSend);
        var insertReserve = ctx.Raw(InsertReserve);
        var insertDelivery = ctx.Raw(InsertDelivery);
        var insertOccurrence = ctx.Raw(InsertOccurrence);
        foreach (var i in accepted)
        {
            var (key, send) = (items[i].Key, items[i].Send);
            var immediate = send.SendingType == SendingTypes.Immediate;
            var due = now + (send.CancelWithinSeconds * 1000L);
            var sendId = insertSend
                .Bind(1, send.MessageId).Bind(2, key.KeyId).Bind(3, key.AccountId).Bind(4, send.SendingType).Bind(5, send.Body)
                .Bind(6, send.SenderId).Bind(7, send.Encoding).Bind(8, send.Segments).Bind(9, string.Join('\n', send.Recipients))
                .Bind(10, send.Recipients.Count).Bind(11, send.OccurrencesAt.Count)
                .Bind(12, (long)send.Recipients.Count * send.Segments * send.OccurrencesAt.Count)
                .Bind(13, key.UnitPriceMicros).Bind(14, send.CostMicros).Bind(15, key.Currency).Bind(16, send.CallbackUrl)
                .Bind(17, send.TimeZone).Bind(18, send.ScheduleJson).Bind(19, now).Bind(20, immediate ? due : send.OccurrencesAt[0])
                .Insert();
            if (send.CostMicros > 0)
            {
                insertReserve.Bind(1, key.AccountId).Bind(2, send.CostMicros).Bind(3, sendId).Bind(4, now).Execute();
            }

            if (immediate)
            {
                foreach (var recipient in send.Recipients)
                {
                    insertDelivery.Bind(1, sendId).Bind(2, recipient).Bind(3, due).Bind(4, now).Execute();
                }
            }
            else
            {
                for (var q = 0; q < send.OccurrencesAt.Count; q++)
                {
                    insertOccurrence.Bind(1, sendId).Bind(2, q + 1).Bind(3, send.OccurrencesAt[q]).Execute();
                }
            }

            if (items[i].Idempotency is { } idem)
            {
                SqliteStore.StoreIdempotent(ctx, key.KeyId, idem, items[i].Response, now);
            }
        }
    }
}
