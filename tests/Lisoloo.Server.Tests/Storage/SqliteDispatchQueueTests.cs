using Lisoloo.Server.Storage;
using Lisoloo.Server.Storage.Sqlite;
using Lisoloo.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>
/// The SQLite hand-off queue in two parts (see schema.sql): fresh rows taken by walking rowids from the dispatch cursor,
/// deferred rows through their partial index. What the contract tests cannot see from outside: the cursor's position,
/// the query plans, and a database an earlier build made.
/// </summary>
[TestFixture]
public sealed class SqliteDispatchQueueTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private FakeTimeProvider _clock = null!;
    private string _folder = null!;
    private string _connection = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero));
        _folder = TestFolders.NewPath();
        _connection = $"Data Source={Path.Combine(_folder, "lisoloo.db")}";
    }

    [TearDown]
    public void TearDown()
    {
        TestFolders.Delete(_folder);
    }

    [Test]
    public async Task The_cursor_walks_past_rows_that_need_no_hand_off_once_and_stops_at_the_last_row()
    {
        var (db, store, key) = await OpenWithKeyAsync();
        await using (db)
        {
            for (var i = 0; i < 3; i++)
            {
                // 3,000 rows held back by cancel_within: deferred, so nothing for the cursor to take.
                var recipients = Enumerable.Range(0, 1000).Select(n => $"+1415{i}{n:D6}").ToArray();
                await store.AcceptSendAsync(key, Send(recipients) with { CancelWithinSeconds = 600 }, null, new(201, [1]));
            }

            Assert.That((await store.ClaimDeliveriesAsync(250, Lease, _ => null, Lease)).Claimed, Is.Zero);
            Assert.That(Cursor(db), Is.EqualTo(MaxId(db)), "walked past all 3,000 (several windows) in one claim");

            var fresh = Send(["+14155550100"]);
            await store.AcceptSendAsync(key, fresh, null, new(201, [1]));
            var claim = await store.ClaimDeliveriesAsync(250, Lease, _ => null, Lease);
            Assert.That(claim.ToSubmit.Select(d => d.MessageId), Is.EqualTo(new[] { fresh.MessageId }));
            Assert.That(Cursor(db), Is.EqualTo(MaxId(db)));
            Assert.That(await store.CountPendingDeliveriesAsync(), Is.EqualTo(3000), "the held rows still count as waiting");

            _clock.Advance(TimeSpan.FromSeconds(601));
            var due = 0;
            for (var i = 0; i < 20 && due < 3000; i++)
            {
                due += (await store.ClaimDeliveriesAsync(250, Lease, _ => null, Lease)).Claimed;
            }

            Assert.That(due, Is.EqualTo(3000), "the held rows come through their index once due, behind the cursor");
        }
    }

    [Test]
    public async Task A_claim_takes_fresh_rows_in_order_and_leaves_those_beyond_its_batch_ahead_of_the_cursor()
    {
        var (db, store, key) = await OpenWithKeyAsync();
        await using (db)
        {
            var sends = new List<NewSend>();
            for (var i = 0; i < 5; i++)
            {
                sends.Add(Send([$"+1415555010{i}"]));
                await store.AcceptSendAsync(key, sends[^1], null, new(201, [1]));
            }

            var taken = new List<string>();
            for (var i = 0; i < 3; i++)
            {
                taken.AddRange((await store.ClaimDeliveriesAsync(2, Lease, _ => null, Lease)).ToSubmit.Select(d => d.MessageId));
            }

            Assert.That(taken, Is.EqualTo(sends.Select(s => s.MessageId)), "each once, in order");
        }
    }

    [Test]
    public async Task A_database_an_earlier_build_made_gets_a_cursor_before_its_first_waiting_row()
    {
        var (db, store, key) = await OpenWithKeyAsync();
        var sends = new List<NewSend>();
        for (var i = 0; i < 4; i++)
        {
            sends.Add(Send([$"+1415555010{i}"]));
            await store.AcceptSendAsync(key, sends[^1], null, new(201, [1]));
        }

        Assert.That((await store.ClaimDeliveriesAsync(1, Lease, _ => null, Lease)).ToSubmit.Single().MessageId, Is.EqualTo(sends[0].MessageId));
        await db.WriteAsync(ctx =>
        {
            // What an earlier build left: no cursor, and its one index over every waiting row.
            ctx.Exec("DELETE FROM dispatch_cursor");
            ctx.Exec("DROP INDEX ix_deliveries_deferred");
            return ctx.Exec("CREATE INDEX ix_deliveries_due ON deliveries(due_at) WHERE state IN ('pending','queued','processing')");
        });
        await db.DisposeAsync();

        db = Open();
        await using (db)
        {
            store = new SqliteStore(db, _clock);
            Assert.That(SqliteSchemaTests.Indexes(db), Does.Contain("ix_deliveries_deferred").And.Not.Contain("ix_deliveries_due"));
            var claim = await store.ClaimDeliveriesAsync(10, Lease, _ => null, Lease);
            Assert.That(claim.ToSubmit.Select(d => d.MessageId), Is.EqualTo(sends.Skip(1).Select(s => s.MessageId)), "the three still pending, not the one in flight");
        }
    }

    [Test]
    public async Task Both_parts_of_the_claim_and_the_due_receipts_are_searches_not_scans()
    {
        var db = Open();
        await using (db)
        {
            Assert.That(Plan(db, SqliteStore.DeferredClaimSql, ("?1", 0L), ("?2", 10L)),
                Does.Contain("SEARCH d USING INDEX ix_deliveries_deferred"));
            Assert.That(Plan(db, SqliteStore.FreshClaimSql, ("?1", 0L), ("?2", 10L), ("?3", 10L)),
                Does.Contain("SEARCH d USING INTEGER PRIMARY KEY (rowid>? AND rowid<?)"));
            Assert.That(Plan(db, SqliteStore.DueReceiptsSql, ("?1", 0L), ("?2", 10L)),
                Does.Contain("SEARCH d USING INDEX ix_deliveries_receipts").And.Not.Contains("TEMP B-TREE"),
                "the due receipts come in index order, with no sort");
        }
    }

    private NewSend Send(IReadOnlyList<string> recipients) =>
        new(TimeOrderedId.New(_clock.GetUtcNow().ToUnixTimeMilliseconds(), 12), "immediate", "Hello", null, "gsm7", 1, recipients,
            [_clock.GetUtcNow().ToUnixTimeMilliseconds()], recipients.Count * 20_000L, null, null, null, 0);

    private SqliteDatabase Open() => new(_connection, 64, NullLogger.Instance);

    /// <summary>The database opened, its store, and a key with the balance for every send of these tests.</summary>
    private async Task<(SqliteDatabase Db, SqliteStore Store, ApiKeyInfo Key)> OpenWithKeyAsync()
    {
        var db = Open();
        var store = new SqliteStore(db, _clock);
        var hash = System.Security.Cryptography.SHA256.HashData(Guid.NewGuid().ToByteArray());
        await store.CreateKeyAsync(new NewApiKey("queue", "live", hash, "sk_live_queue", 1_000_000_000, 20_000, "USD", [1, 2, 3], null, null, null, null, null, null));
        return (db, store, (await store.FindKeyAsync(hash))!);
    }

    private static long Cursor(SqliteDatabase db) => Scalar(db, "SELECT last_id FROM dispatch_cursor");

    private static long MaxId(SqliteDatabase db) => Scalar(db, "SELECT MAX(id) FROM deliveries");

    private static long Scalar(SqliteDatabase db, string sql) => db.Read(connection =>
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    });

    private static string Plan(SqliteDatabase db, string sql, params (string Name, long Value)[] parameters) => db.Read(connection =>
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        using var r = cmd.ExecuteReader();
        var lines = new List<string>();
        while (r.Read())
        {
            lines.Add(r.GetString(3));
        }

        return string.Join("\n", lines);
    });
}
