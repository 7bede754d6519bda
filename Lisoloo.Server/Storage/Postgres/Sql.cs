using Npgsql;

namespace Lisoloo.Server.Storage.Postgres;

/// <summary>Positional-parameter helpers: <c>$1</c>, <c>$2</c>… bound in order, <see langword="null"/> as SQL NULL.</summary>
internal static class Sql
{
    /// <summary>A command on <paramref name="connection"/> inside <paramref name="tx"/> (or autocommit) with positional parameters.</summary>
    public static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params object?[] args)
    {
        var cmd = new NpgsqlCommand(sql, connection, tx);
        foreach (var arg in args)
        {
            cmd.Parameters.Add(arg is NpgsqlParameter p ? p : new NpgsqlParameter { Value = arg ?? DBNull.Value });
        }

        return cmd;
    }

    /// <summary>Runs a statement; returns the rows affected.</summary>
    public static async Task<int> ExecAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params object?[] args)
    {
        await using var cmd = Command(connection, tx, sql, args);
        return await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>The first column of the first row, or null.</summary>
    public static async Task<object?> ScalarAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, params object?[] args)
    {
        await using var cmd = Command(connection, tx, sql, args);
        var value = await cmd.ExecuteScalarAsync().ConfigureAwait(false);
        return value is DBNull ? null : value;
    }

    /// <summary>Every row, mapped by <paramref name="map"/>.</summary>
    public static async Task<List<T>> ListAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, Func<NpgsqlDataReader, T> map, params object?[] args)
    {
        await using var cmd = Command(connection, tx, sql, args);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        var list = new List<T>();
        while (await r.ReadAsync().ConfigureAwait(false))
        {
            list.Add(map(r));
        }

        return list;
    }

    /// <summary>The first row mapped by <paramref name="map"/>, or default.</summary>
    public static async Task<T?> FirstAsync<T>(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, Func<NpgsqlDataReader, T> map, params object?[] args)
    {
        await using var cmd = Command(connection, tx, sql, args);
        await using var r = await cmd.ExecuteReaderAsync().ConfigureAwait(false);
        return await r.ReadAsync().ConfigureAwait(false) ? map(r) : default;
    }

    /// <summary>Column <paramref name="i"/> as text, or null.</summary>
    public static string? NullableString(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <summary>Column <paramref name="i"/> as an integer, or null.</summary>
    public static int? NullableInt(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt32(i);

    /// <summary>Column <paramref name="i"/> as a bigint, or null.</summary>
    public static long? NullableLong(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetInt64(i);

    /// <summary>Column <paramref name="i"/> as bytes, or null.</summary>
    public static byte[]? NullableBytes(this NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : (byte[])r.GetValue(i);
}
