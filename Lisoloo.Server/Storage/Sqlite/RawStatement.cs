using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// A statement prepared once on a connection and bound by position, for the statements that run once per row on the
/// hot paths (one accept writes three rows). Microsoft.Data.Sqlite binds every parameter by name (a linear search in
/// SQLite per parameter) and allocates a parameter object per value; this binds an index, and calls SQLite directly
/// on the raw handles (<see cref="SqliteNative"/>). It runs on the connection's handle inside whatever transaction the
/// connection has open. Not thread-safe: one per <see cref="SqlContext"/>, used only by the thread that holds that
/// context. The connection's and the statement's handles outlive it (the context disposes statements first).
/// </summary>
internal sealed class RawStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _stmt;
    private readonly nint _dbHandle;
    private readonly nint _handle;

    public RawStatement(SqliteConnection connection, string sql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        Check(raw.sqlite3_prepare_v2(_db, sql, out _stmt));
        _dbHandle = _db.DangerousGetHandle();
        _handle = _stmt.DangerousGetHandle();
    }

    public RawStatement Bind(int index, long value)
    {
        Check(SqliteNative.BindInt64(_handle, index, value));
        return this;
    }

    public RawStatement Bind(int index, long? value) => value is { } v ? Bind(index, v) : BindNull(index);

    public RawStatement Bind(int index, string? value)
    {
        Check(value is null ? SqliteNative.BindNull(_handle, index) : SqliteNative.BindText(_handle, index, value));
        return this;
    }

    public RawStatement Bind(int index, ReadOnlySpan<byte> blob)
    {
        Check(SqliteNative.BindBlob(_handle, index, blob));
        return this;
    }

    public RawStatement BindNull(int index)
    {
        Check(SqliteNative.BindNull(_handle, index));
        return this;
    }

    /// <summary>Runs a statement that returns no rows; returns the rows it changed.</summary>
    public int Execute()
    {
        try
        {
            var rc = SqliteNative.Step(_handle);
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                Check(rc);
            }

            return SqliteNative.Changes(_dbHandle);
        }
        finally
        {
            SqliteNative.Reset(_handle);
        }
    }

    /// <summary>
    /// Runs an INSERT and returns the new row's rowid (cheaper than <c>RETURNING</c>, which buffers its rows in an
    /// ephemeral table).
    /// </summary>
    public long Insert()
    {
        Execute();
        return SqliteNative.LastInsertRowId(_dbHandle);
    }

    /// <summary>Runs the statement and returns the first column of its first row.</summary>
    public long ExecuteInt64() =>
        TryExecuteInt64(out var value) ? value : throw new InvalidOperationException("The statement returned no row.");

    /// <summary>Runs the statement; the first column of its first row, or false when it returned no row.</summary>
    public bool TryExecuteInt64(out long value)
    {
        try
        {
            if (!StepRow())
            {
                value = 0;
                return false;
            }

            value = SqliteNative.ColumnInt64(_handle, 0);
            return true;
        }
        finally
        {
            SqliteNative.Reset(_handle);
        }
    }

    /// <summary>
    /// Runs the statement as a query: <c>foreach (var row in statement.Rows())</c> visits each row (read it with
    /// <see cref="Int64"/> and <see cref="Text"/>), and the statement is reset when the loop ends, however it ends.
    /// </summary>
    public RowCursor Rows() => new(this);

    /// <summary>Steps the statement: true on a row, false when done; an error throws.</summary>
    internal bool StepRow()
    {
        var rc = SqliteNative.Step(_handle);
        if (rc == raw.SQLITE_ROW)
        {
            return true;
        }

        if (rc != raw.SQLITE_DONE)
        {
            Check(rc);
        }

        return false;
    }

    /// <summary>Resets the statement so it can run again (its bindings stay).</summary>
    internal void Reset() => SqliteNative.Reset(_handle);

    /// <summary>An integer column of the current row (0 for NULL).</summary>
    public long Int64(int column) => SqliteNative.ColumnInt64(_handle, column);

    /// <summary>A text column of the current row; <c>null</c> for NULL.</summary>
    public string? Text(int column) => SqliteNative.ColumnText(_handle, column);

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

/// <summary>The rows of a <see cref="RawStatement"/> query, for <c>foreach</c>; disposing it resets the statement.</summary>
internal readonly ref struct RowCursor(RawStatement statement)
{
    /// <summary>For <c>foreach</c>: the cursor is its own enumerator.</summary>
    public RowCursor GetEnumerator() => this;

    /// <summary>The statement, positioned on the current row.</summary>
    public RawStatement Current => statement;

    /// <summary>Steps to the next row; false after the last.</summary>
    public bool MoveNext() => statement.StepRow();

    /// <summary>Resets the statement so it can run again.</summary>
    public void Dispose() => statement.Reset();
}
