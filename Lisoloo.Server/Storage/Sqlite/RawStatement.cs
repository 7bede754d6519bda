using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// A statement prepared once on a connection and bound by position through SQLitePCL directly, for the statements that
/// run once per row on the hot paths (one accept writes three rows). Microsoft.Data.Sqlite binds every parameter by
/// name (a linear search in SQLite per parameter) and allocates a parameter object per value; this binds an index.
/// It runs on the connection's handle inside whatever transaction the connection has open. Not thread-safe: one per
/// <see cref="WriteContext"/>, used only by the thread that holds that context.
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
    }

    public RawStatement Bind(int index, long value)
    {
        Check(raw.sqlite3_bind_int64(_stmt, index, value));
        return this;
    }

    public RawStatement Bind(int index, string? value)
    {
        // UTF-16 straight from the string: SQLite copies and converts it, no UTF-8 array is allocated per value.
        Check(value is null ? raw.sqlite3_bind_null(_stmt, index) : raw.sqlite3_bind_text16(_stmt, index, value.AsSpan()));
        return this;
    }

    public RawStatement Bind(int index, ReadOnlySpan<byte> blob)
    {
        Check(raw.sqlite3_bind_blob(_stmt, index, blob));
        return this;
    }

    public RawStatement BindNull(int index)
    {
        Check(raw.sqlite3_bind_null(_stmt, index));
        return this;
    }

    /// <summary>Runs a statement that returns no rows; returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                Check(rc);
            }

            return raw.sqlite3_changes(_db);
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    /// <summary>
    /// Runs an INSERT and returns the new row's rowid (cheaper than <c>RETURNING</c>, which buffers its rows in an
    /// ephemeral table).
    /// </summary>
    public long Insert()
    {
        Execute();
        return raw.sqlite3_last_insert_rowid(_db);
    }

    /// <summary>Runs the statement and returns the first column of its first row.</summary>
    public long ExecuteInt64() =>
        TryExecuteInt64(out var value) ? value : throw new InvalidOperationException("The statement returned no row.");

    /// <summary>Runs the statement; the first column of its first row, or false when it returned no row.</summary>
    public bool TryExecuteInt64(out long value)
    {
        try
        {
            var rc = raw.sqlite3_step(_stmt);
            if (rc == raw.SQLITE_DONE)
            {
                value = 0;
                return false;
            }

            if (rc != raw.SQLITE_ROW)
            {
                Check(rc);
            }

            value = raw.sqlite3_column_int64(_stmt, 0);
            return true;
        }
        finally
        {
            raw.sqlite3_reset(_stmt);
        }
    }

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            var message = raw.sqlite3_errmsg(_db).utf8_to_string();
            throw new SqliteException($"SQLite Error {rc}: '{message}'.", rc, raw.sqlite3_extended_errcode(_db));
        }
    }

    public void Dispose() => _stmt.Dispose();
}
