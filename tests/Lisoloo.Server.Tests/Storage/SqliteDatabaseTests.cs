using Lisoloo.Server.Api;
using Lisoloo.Server.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>The single writer: group commit, per-write isolation, and the replay of a batch when a write without savepoint fails.</summary>
[TestFixture]
public sealed class SqliteDatabaseTests
{
    private string _folder = null!;
    private SqliteDatabase _db = null!;

    [SetUp]
    public async Task OpenAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "lisoloo-tests", Guid.NewGuid().ToString("N"));
        _db = new SqliteDatabase($"Data Source={Path.Combine(_folder, "t.db")}", 512, NullLogger.Instance);
        await _db.WriteAsync(ctx => ctx.Exec("CREATE TABLE t (v INTEGER PRIMARY KEY)"));
    }

    [TearDown]
    public async Task CloseAsync()
    {
        await _db.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Test]
    public async Task A_failing_write_without_savepoint_is_rolled_back_alone_and_the_rest_of_its_batch_commits()
    {
        using var gate = new ManualResetEventSlim();
        var blocker = _db.WriteAsync(_ => gate.Wait(TimeSpan.FromSeconds(10))); // holds the writer so the next writes share one batch
        var a = _db.WriteAsync(ctx => Insert(ctx, 1), savepoint: false);
        var b = _db.WriteAsync<int>(ctx =>
        {
            Insert(ctx, 2);
            throw new InvalidOperationException("boom after a write");
        }, savepoint: false);
        var c = _db.WriteAsync(ctx => Insert(ctx, 3), savepoint: false);
        var d = _db.WriteAsync<int>(_ => throw new ApiErrorException(new ApiError(402, 1201, "refused before writing")), savepoint: false);
        var e = _db.WriteAsync(ctx => Insert(ctx, 5));
        gate.Set();
        Assert.That(await blocker, Is.True);

        Assert.Multiple(async () =>
        {
            Assert.That(await a, Is.EqualTo(1));
            Assert.That(await c, Is.EqualTo(1));
            Assert.That(await e, Is.EqualTo(1));
        });
        Assert.ThrowsAsync<InvalidOperationException>(() => b);
        Assert.ThrowsAsync<ApiErrorException>(() => d);
        var rows = _db.Read(conn =>
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
        var before = _db.Commits;
        await Task.WhenAll(Enumerable.Range(10, 500).Select(i => _db.WriteAsync(ctx => Insert(ctx, i), savepoint: false)));
        var commits = _db.Commits - before;
        Assert.That(commits, Is.LessThan(500), "500 concurrent writes must not take 500 commits");
        Assert.That(_db.Read(conn =>
        {
            using var cmd = conn.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM t";
            return (long)cmd.ExecuteScalar()!;
        }), Is.EqualTo(500));
    }

    private static int Insert(WriteContext ctx, int value)
    {
        var cmd = ctx.Command("INSERT INTO t(v) VALUES (@v)");
        cmd.Parameters.AddWithValue("@v", value);
        return cmd.ExecuteNonQuery();
    }
}
