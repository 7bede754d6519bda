using Lisoloo.Server.Storage.Sqlite;
using Lisoloo.Server.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>The embedded SQLite schema applied to a database an earlier build created.</summary>
[TestFixture]
public sealed class SqliteSchemaTests
{
    [Test]
    public async Task Indexes_that_only_cost_writes_are_dropped_from_a_database_an_earlier_build_made()
    {
        var folder = TestFolders.NewPath();
        var file = $"Data Source={Path.Combine(folder, "lisoloo.db")}";
        try
        {
            var db = new SqliteDatabase(file, 64, NullLogger.Instance);
            await db.WriteAsync(ctx =>
            {
                // What the earlier builds created beside today's schema.
                ctx.Exec("CREATE INDEX ix_ledger_account ON ledger_entries(account_id)");
                ctx.Exec("CREATE INDEX ix_deliveries_due ON deliveries(due_at) WHERE state IN ('pending','queued','processing')");
                return ctx.Exec("CREATE INDEX ix_deliveries_carrier_ref ON deliveries(carrier_ref)");
            });
            Assert.That(Indexes(db), Does.Contain("ix_ledger_account").And.Contain("ix_deliveries_carrier_ref").And.Contain("ix_deliveries_due"));
            await db.DisposeAsync();

            db = new SqliteDatabase(file, 64, NullLogger.Instance);
            try
            {
                Assert.That(Indexes(db), Does.Not.Contain("ix_ledger_account").And.Not.Contain("ix_deliveries_carrier_ref")
                    .And.Contain("ix_deliveries_send").And.Contain("ix_deliveries_deferred").And.Not.Contain("ix_deliveries_due"));
            }
            finally
            {
                await db.DisposeAsync();
            }
        }
        finally
        {
            TestFolders.Delete(folder);
        }
    }

    /// <summary>The names of the database's indexes.</summary>
    internal static List<string> Indexes(SqliteDatabase db) => db.Read(connection =>
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT name FROM sqlite_master WHERE type = 'index'";
        using var r = cmd.ExecuteReader();
        var names = new List<string>();
        while (r.Read())
        {
            names.Add(r.GetString(0));
        }

        return names;
    });
}
