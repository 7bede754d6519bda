using Lisoloo.Server.Storage.Sqlite;
using Lisoloo.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>A fresh SQLite file with one test table per test, opened through the server's <see cref="SqliteDatabase"/>.</summary>
public abstract class TempDatabaseFixture
{
    private string _folder = null!;

    /// <summary>The database under test.</summary>
    internal SqliteDatabase Db { get; private set; } = null!;

    /// <summary>The <c>CREATE TABLE</c> run once the file is open.</summary>
    protected abstract string Schema { get; }

    [SetUp]
    public async Task OpenAsync()
    {
        _folder = TestFolders.NewPath();
        Db = new SqliteDatabase($"Data Source={Path.Combine(_folder, "t.db")}", 512, NullLogger.Instance);
        await Db.WriteAsync(ctx => ctx.Exec(Schema));
    }

    [TearDown]
    public async Task CloseAsync()
    {
        await Db.DisposeAsync();
        TestFolders.Delete(_folder);
    }
}
