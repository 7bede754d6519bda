using Lisoloo.Server.Api;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Storage.Postgres;
using Lisoloo.Server.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>
/// Stores opened directly (no HTTP server) over a fresh database of either provider. <see cref="OpenNodeAsync"/> opens
/// another store on the same database, as a second server node would: a new <see cref="PostgresStore"/> with its own
/// pool and accept loop on PostgreSQL; on SQLite (one node by design) the same store again.
/// </summary>
internal sealed class TestStores : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly TimeProvider _time;
    private readonly string? _folder;
    private readonly PostgresTestDatabase? _postgres;
    private readonly SqliteStore? _sqlite;

    private TestStores(StoreKind kind, TimeProvider time, string? folder, PostgresTestDatabase? postgres, SqliteStore? sqlite)
    {
        Kind = kind;
        _time = time;
        _folder = folder;
        _postgres = postgres;
        _sqlite = sqlite;
    }

    public StoreKind Kind { get; }

    public static async Task<TestStores> CreateAsync(StoreKind kind, TimeProvider time)
    {
        if (kind == StoreKind.Postgres)
        {
            return new TestStores(kind, time, null, await PostgresTestDatabase.CreateAsync().ConfigureAwait(false), null);
        }

        var folder = TestFolders.NewPath();
        var db = new SqliteDatabase($"Data Source={Path.Combine(folder, "lisoloo.db")}", 512, NullLogger.Instance);
        var stores = new TestStores(kind, time, folder, null, new SqliteStore(db, time));
        stores._owned.Add(db);
        return stores;
    }

    /// <summary>A store on the shared database: a new node on PostgreSQL, the one store on SQLite.</summary>
    public async Task<ILisolooStore> OpenNodeAsync()
    {
        if (_sqlite is not null)
        {
            return _sqlite;
        }

        var store = new PostgresStore(new PostgresDatabase(_postgres!.ConnectionString, NullLogger.Instance), _time, 512, NullLogger.Instance);
        _owned.Insert(0, store);
        await store.InitializeAsync().ConfigureAwait(false);
        return store;
    }

    /// <summary>The rate limiter a node of this provider uses (in memory on SQLite, in the database on PostgreSQL).</summary>
    public IRateLimiter LimiterFor(ILisolooStore store) => store is PostgresStore postgres
        ? new PostgresRateLimiter(postgres, _time)
        : _sqliteLimiter ??= new RateLimiter(_time);

    private RateLimiter? _sqliteLimiter;

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }

        if (_folder is not null)
        {
            TestFolders.Delete(_folder);
        }
    }
}
