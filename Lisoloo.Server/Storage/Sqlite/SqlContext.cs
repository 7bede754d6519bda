using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// A connection with its prepared statements cached by SQL text: the single writer's, inside the current group
/// transaction, or a pooled reader's (<see cref="SqliteDatabase.Query{T}"/>), with no transaction.
/// </summary>
internal sealed class SqlContext(SqliteConnection connection) : IDisposable
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, RawStatement> _raw = new(StringComparer.Ordinal);

    public SqliteConnection Connection { get; } = connection;

    public SqliteTransaction? Transaction { get; set; }

    /// <summary>A cached command for <paramref name="sql"/> with its parameters cleared, bound to the current transaction.</summary>
    public SqliteCommand Command(string sql)
    {
        if (!_commands.TryGetValue(sql, out var cmd))
        {
            cmd = Connection.CreateCommand();
            cmd.CommandText = sql;
            _commands[sql] = cmd;
        }

        cmd.Parameters.Clear();
        cmd.Transaction = Transaction;
        return cmd;
    }

    public int Exec(string sql) => Command(sql).ExecuteNonQuery();

    /// <summary>A cached statement for <paramref name="sql"/> bound by position (<c>?1</c>, <c>?2</c>…); see <see cref="RawStatement"/>.</summary>
    public RawStatement Raw(string sql)
    {
        if (!_raw.TryGetValue(sql, out var statement))
        {
            statement = new RawStatement(Connection, sql);
            _raw[sql] = statement;
        }

        return statement;
    }

    /// <summary>Disposes the cached commands and the connection.</summary>
    public void Dispose()
    {
        foreach (var statement in _raw.Values)
        {
            statement.Dispose();
        }

        _raw.Clear();
        foreach (var cmd in _commands.Values)
        {
            cmd.Dispose();
        }

        _commands.Clear();
        Connection.Dispose();
    }
}
