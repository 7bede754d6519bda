using Lisoloo.Server.Storage;
using Lisoloo.Server.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>Positional statements on the writer connection, and the time-ordered identifiers the hot inserts use.</summary>
[TestFixture]
public sealed class RawStatementTests : TempDatabaseFixture
{
    protected override string Schema => "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB, u TEXT UNIQUE)";

    [Test]
    public async Task Binds_by_position_reuses_the_statement_and_reads_back_what_it_wrote()
    {
        var ids = await Db.WriteAsync(ctx =>
        {
            var insert = ctx.Raw("INSERT INTO t(n, s, b, u) VALUES (?1, ?2, ?3, ?4) RETURNING id");
            var first = insert.Bind(1, 42L).Bind(2, "héllo \u00e9 ✓").Bind(3, new byte[] { 0, 1, 255 }).Bind(4, "a").ExecuteInt64();
            var second = insert.BindNull(1).Bind(2, (string?)null).BindNull(3).Bind(4, "b").ExecuteInt64();
            Assert.That(ReferenceEquals(insert, ctx.Raw("INSERT INTO t(n, s, b, u) VALUES (?1, ?2, ?3, ?4) RETURNING id")), "cached by SQL text");
            var third = ctx.Raw("INSERT INTO t(u) VALUES (?1)").Bind(1, "c").Insert();
            Assert.That(third, Is.EqualTo(second + 1), "Insert returns the new rowid");
            var changed = ctx.Raw("UPDATE t SET n = n + 1 WHERE id = ?1").Bind(1, first).Execute();
            var none = ctx.Raw("UPDATE t SET n = 0 WHERE id = ?1").Bind(1, 999).Execute();
            var found = ctx.Raw("SELECT n FROM t WHERE id = ?1").Bind(1, 999).TryExecuteInt64(out _);
            return (first, second, changed, none, found);
        });

        Assert.That((ids.changed, ids.none, ids.found), Is.EqualTo((1, 0, false)));
        var rows = Db.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT id, n, s, b FROM t WHERE u IN ('a','b') ORDER BY id";
            using var r = cmd.ExecuteReader();
            var list = new List<(long, object, object, object)>();
            while (r.Read())
            {
                list.Add((r.GetInt64(0), r.GetValue(1), r.GetValue(2), r.GetValue(3)));
            }

            return list;
        });
        Assert.That(rows, Is.EqualTo(new[]
        {
            (ids.first, (object)43L, (object)"héllo \u00e9 ✓", (object)new byte[] { 0, 1, 255 }),
            (ids.second, DBNull.Value, DBNull.Value, DBNull.Value),
        }));
    }

    [Test]
    public async Task Reads_rows_column_by_column_with_empty_values_nulls_and_characters_beyond_the_basic_plane()
    {
        var rows = await Db.WriteAsync(ctx =>
        {
            var insert = ctx.Raw("INSERT INTO t(n, s, b, u) VALUES (?1, ?2, ?3, ?4)");
            insert.Bind(1, long.MinValue).Bind(2, string.Empty).Bind(3, ReadOnlySpan<byte>.Empty).Bind(4, "1").Execute();
            insert.Bind(1, (long?)long.MaxValue).Bind(2, "Ngai 👍🏾 ça").BindNull(3).Bind(4, "2").Execute();
            insert.Bind(1, (long?)null).Bind(2, (string?)null).Bind(3, new byte[] { 7 }).Bind(4, "3").Execute();

            var select = ctx.Raw("SELECT n, typeof(n), s, length(b), typeof(b) FROM t WHERE u >= ?1 ORDER BY u");
            var read = new List<(long N, string? NType, string? S, long Length, string? Type)>();
            for (var pass = 0; pass < 2; pass++)
            {
                read.Clear();
                foreach (var row in select.Bind(1, "1").Rows())
                {
                    read.Add((row.Int64(0), row.Text(1), row.Text(2), row.Int64(3), row.Text(4)));
                }
            }

            return read;
        });

        Assert.That(rows, Is.EqualTo(new[]
        {
            (long.MinValue, (string?)"integer", (string?)string.Empty, 0L, (string?)"blob"),
            (long.MaxValue, "integer", "Ngai 👍🏾 ça", 0L, "null"),
            (0L, "null", null, 1L, "blob"),
        }), "the second pass over the reset statement reads the same rows");
    }

    [Test]
    public async Task Leaving_a_row_loop_early_resets_the_statement_for_its_next_run()
    {
        var (first, all) = await Db.WriteAsync(ctx =>
        {
            var insert = ctx.Raw("INSERT INTO t(n, u) VALUES (?1, ?2)");
            for (var i = 1; i <= 3; i++)
            {
                insert.Bind(1, i).Bind(2, "r" + i).Execute();
            }

            var select = ctx.Raw("SELECT n FROM t WHERE n >= ?1 ORDER BY n");
            long firstRow = 0;
            foreach (var row in select.Bind(1, 1).Rows())
            {
                firstRow = row.Int64(0);
                break; // mid-query: binding again would be refused (SQLITE_MISUSE) unless the loop reset the statement
            }

            var every = new List<long>();
            foreach (var row in select.Bind(1, 1).Rows())
            {
                every.Add(row.Int64(0));
            }

            return (firstRow, every);
        });

        Assert.Multiple(() =>
        {
            Assert.That(first, Is.EqualTo(1));
            Assert.That(all, Is.EqualTo(new[] { 1L, 2L, 3L }), "the second run starts from the first row");
        });
    }

    [Test]
    public void A_failing_step_throws_a_SqliteException_and_leaves_the_statement_usable()
    {
        var error = Assert.ThrowsAsync<SqliteException>(() => Db.WriteAsync(ctx =>
        {
            var insert = ctx.Raw("INSERT INTO t(u) VALUES (?1)");
            insert.Bind(1, "same").Execute();
            return insert.Bind(1, "same").Execute();
        }));
        Assert.That(error!.SqliteErrorCode, Is.EqualTo(19), "SQLITE_CONSTRAINT");
        Assert.That(error.Message, Does.Contain("UNIQUE"));

        Assert.DoesNotThrowAsync(() => Db.WriteAsync(ctx => ctx.Raw("INSERT INTO t(u) VALUES (?1)").Bind(1, "other").Execute()));
    }

    [Test]
    public async Task Time_ordered_ids_drawn_on_many_threads_across_many_random_blocks_never_repeat()
    {
        // 4 threads x 5,000 ids of 6 random bytes: each thread goes through ~7 blocks of CSPRNG bytes.
        const long Ms = 1_795_000_000_000;
        var perThread = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(
            () => Enumerable.Range(0, 5_000).Select(_ => TimeOrderedId.New(Ms, 12)).ToList(), TaskCreationOptions.LongRunning)));
        var all = perThread.SelectMany(ids => ids).ToList();
        Assert.That(all.Distinct().Count(), Is.EqualTo(all.Count), "no random part handed out twice, within a thread or across threads");
        Assert.That(all.Count(id => id.EndsWith("000000000000", StringComparison.Ordinal)), Is.LessThanOrEqualTo(1), "the bytes are random, not a wiped block");
    }

    [Test]
    public void Time_ordered_ids_sort_by_their_millisecond_and_differ_within_it()
    {
        var start = DateTimeOffset.Parse("2026-11-23T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture).ToUnixTimeMilliseconds();
        var ids = Enumerable.Range(0, 2_000).Select(i => TimeOrderedId.New(start + (i / 10), 12)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(ids, Has.All.Match("^[0-9a-f]{24}$"));
            Assert.That(ids.Distinct().Count(), Is.EqualTo(ids.Count), "6 random bytes after the time");
            for (var i = 10; i < ids.Count; i += 10)
            {
                Assert.That(string.CompareOrdinal(ids[i - 1], ids[i]), Is.Negative, $"id {i} (next millisecond) sorts after id {i - 1}");
            }

            Assert.That(TimeOrderedId.New(start, 10, "sbx_"), Does.Match("^sbx_[0-9a-f]{20}$"));
            Assert.That(TimeOrderedId.New(start, 12)[..12], Is.EqualTo(start.ToString("x12", System.Globalization.CultureInfo.InvariantCulture)));
        });
    }
}
