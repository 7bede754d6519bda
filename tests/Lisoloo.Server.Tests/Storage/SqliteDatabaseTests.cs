using Lisoloo.Server.Api;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Storage.Sqlite;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>The single writer: group commit, per-write isolation, and the replay of a batch when a write without savepoint fails.</summary>
[TestFixture]
public sealed class SqliteDatabaseTests : TempDatabaseFixture
{
    protected override string Schema => "CREATE TABLE t (v INTEGER PRIMARY KEY)";

    [Test]
    public async Task A_failing_write_without_savepoint_is_rolled_back_alone_and_the_rest_of_its_batch_commits()
    {
        using var gate = new ManualResetEventSlim();
        var blocker = await HoldWriterAsync(gate); // the next writes queue up meanwhile and share one batch
        var a = Db.WriteAsync(ctx => Insert(ctx, 1), savepoint: false);
        var b = Db.WriteAsync<int>(ctx =>
        {
            Insert(ctx, 2);
            throw new InvalidOperationException("boom after a write");
        }, savepoint: false);
        var c = Db.WriteAsync(ctx => Insert(ctx, 3), savepoint: false);
        var d = Db.WriteAsync<int>(_ => throw new InsufficientBalanceException(2, 1, "USD"), savepoint: false);
        var e = Db.WriteAsync(ctx => Insert(ctx, 5));
        gate.Set();
        Assert.That(await blocker, Is.True);

        Assert.Multiple(async () =>
        {
            Assert.That(await a, Is.EqualTo(1));
            Assert.That(await c, Is.EqualTo(1));
            Assert.That(await e, Is.EqualTo(1));
        });
        Assert.ThrowsAsync<InvalidOperationException>(() => b);
        Assert.ThrowsAsync<InsufficientBalanceException>(() => d);
        var rows = Db.Read(conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)";
            return cmd.ExecuteScalar() as string;
        });
        Assert.That(rows, Is.EqualTo("1,3,5"));
    }

    [Test]
    public async Task Concurrent_writes_share_transactions()
    {
        var before = Db.Commits;
        await Task.WhenAll(Enumerable.Range(10, 500).Select(i => Db.WriteAsync(ctx => Insert(ctx, i), savepoint: false)));
        var commits = Db.Commits - before;
        Assert.That(commits, Is.LessThan(500), "500 concurrent writes must not take 500 commits");
        Assert.That(Db.Read(conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM t";
            return (long)cmd.ExecuteScalar()!;
        }), Is.EqualTo(500));
    }

    [Test]
    public async Task Grouped_items_run_together_and_a_failing_group_is_replayed_item_by_item()
    {
        var writer = new TableWriter();
        using var gate = new ManualResetEventSlim();
        var blocker = await HoldWriterAsync(gate);
        var good = new[] { 21, 22, 23 }.Select(v => Db.WriteGroupedAsync(writer, v)).ToList();
        var refused = Db.WriteGroupedAsync(writer, -1);   // refused before writing: the group goes on
        var poison = Db.WriteGroupedAsync(writer, 13);    // throws after writing: the batch is replayed item by item
        gate.Set();
        await blocker;

        Assert.That(await Task.WhenAll(good), Is.EqualTo(new[] { 21, 22, 23 }));
        Assert.ThrowsAsync<InsufficientBalanceException>(() => refused);
        Assert.ThrowsAsync<InvalidOperationException>(() => poison);
        Assert.That(writer.GroupSizes, Does.Contain(5), "the five items were first run as one group");
        var rows = Db.Read(conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT group_concat(v) FROM (SELECT v FROM t ORDER BY v)";
            return cmd.ExecuteScalar() as string;
        });
        Assert.That(rows, Is.EqualTo("21,22,23"), "the poisoned item's row was rolled back, the others committed once");
    }

    [TestCase(false, TestName = "A grouped write is answered without waiting for a slow write queued after it")]
    [TestCase(true, TestName = "A grouped write queued behind a slow write is committed before it")]
    public async Task A_grouped_write_does_not_wait_for_a_slow_write_queued_beside_it(bool slowQueuedFirst)
    {
        var writer = new TableWriter();
        using var first = new ManualResetEventSlim();
        using var slow = new ManualResetEventSlim();
        var blocker = await HoldWriterAsync(first); // the next two queue up meanwhile and share a batch
        Task<int> Slow() => Db.WriteAsync(ctx =>
        {
            slow.Wait(TimeSpan.FromSeconds(10)); // a long worker step (a claim of hundreds of rows)
            return Insert(ctx, 32);
        });
        var worker = slowQueuedFirst ? Slow() : null;
        var accept = Db.WriteGroupedAsync(writer, 31);
        worker ??= Slow();
        first.Set();
        Assert.That(await blocker, Is.True);
        try
        {
            // Its own commit, ahead of the slow write: the grouped write is on disk and answered while the slow one runs.
            var done = await Task.WhenAny(accept, Task.Delay(TimeSpan.FromSeconds(10)));
            Assert.Multiple(() =>
            {
                Assert.That(done, Is.SameAs(accept), "the grouped write waited for the slow write");
                Assert.That(worker.IsCompleted, Is.False);
            });
            Assert.That(await accept, Is.EqualTo(31));
        }
        finally
        {
            slow.Set();
        }

        Assert.That(await worker, Is.EqualTo(1));
    }

    [Test]
    public async Task Other_writes_are_not_starved_by_a_steady_stream_of_grouped_writes()
    {
        var writer = new TableWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var issued = 0;
        async Task Stream(int lane)
        {
            for (var i = 0; i < 2_000 && !stop.IsCancellationRequested; i++)
            {
                Interlocked.Increment(ref issued);
                await Db.WriteGroupedAsync(writer, 100_000 + (lane * 10_000) + i);
            }
        }

        var lanes = Enumerable.Range(0, 8).Select(lane => Task.Run(() => Stream(lane))).ToArray();
        await Wait.UntilAsync(() => Volatile.Read(ref issued) >= 200, TimeSpan.FromSeconds(10), "the stream of grouped writes to get going");

        var worker = Db.WriteAsync(ctx => Insert(ctx, 43));
        var done = await Task.WhenAny(worker, Task.WhenAll(lanes));
        await stop.CancelAsync();
        await Task.WhenAll(lanes);
        Assert.That(done, Is.SameAs(worker), "the other write waited until the stream of grouped writes ended");
        Assert.That(await worker, Is.EqualTo(1));
    }

    [Test]
    public async Task A_write_that_changes_nothing_costs_no_flush_and_one_that_changes_a_row_is_flushed_before_its_answer()
    {
        Assert.That(await Db.WriteAsync(ctx => Insert(ctx, 51)), Is.EqualTo(1));
        var syncs = Db.Syncs;
        for (var i = 0; i < 5; i++)
        {
            // A worker's poll that finds nothing: a write transaction that changes no row.
            var changed = await Db.WriteAsync(ctx => ctx.Command("UPDATE t SET v = v WHERE v < 0").ExecuteNonQuery());
            Assert.That(changed, Is.Zero);
        }

        Assert.That(Db.Syncs, Is.EqualTo(syncs), "empty transactions were flushed");
        Assert.That(await Db.WriteAsync(ctx => Insert(ctx, 52)), Is.EqualTo(1));
        Assert.That(Db.Syncs, Is.EqualTo(syncs + 1), "a transaction that changed a row is answered only after a flush");
    }

    private sealed class TableWriter : IGroupWriter<int, int>
    {
        public List<int> GroupSizes { get; } = [];

        public void Run(SqlContext context, IReadOnlyList<int> items, GroupOutcome<int>[] outcomes)
        {
            GroupSizes.Add(items.Count);
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] < 0)
                {
                    outcomes[i] = new(0, new InsufficientBalanceException(2, 1, "USD"));
                    continue;
                }

                Insert(context, items[i]);
                if (items[i] == 13)
                {
                    throw new InvalidOperationException("poison");
                }

                outcomes[i] = new(items[i], null);
            }
        }
    }

    /// <summary>Queues a write that holds the writer until <paramref name="release"/> is set, and returns once it runs.</summary>
    private async Task<Task<bool>> HoldWriterAsync(ManualResetEventSlim release)
    {
        using var running = new SemaphoreSlim(0);
        var blocker = Db.WriteAsync(_ =>
        {
            running.Release();
            return release.Wait(TimeSpan.FromSeconds(10));
        });
        Assert.That(await running.WaitAsync(TimeSpan.FromSeconds(10)), Is.True, "the writer did not take the blocking write");
        return blocker;
    }

    private static int Insert(SqlContext ctx, int value)
    {
        var cmd = ctx.Command("INSERT INTO t(v) VALUES (@v)");
        cmd.Parameters.AddWithValue("@v", value);
        return cmd.ExecuteNonQuery();
    }
}
