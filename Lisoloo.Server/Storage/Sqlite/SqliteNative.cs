using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// Direct entry points into the e_sqlite3 library that SQLitePCL has loaded, for the calls <see cref="RawStatement"/>
/// makes per value on the hot paths. Through SQLitePCL each such call goes through an interface dispatch, a marshalling
/// stub and a <see cref="SafeHandle"/> reference count; here it is one unmanaged call on raw handles, and the calls
/// that return at once without blocking (binding, reading a column, resetting, counting changes) skip the GC transition
/// (<see cref="SuppressGCTransitionAttribute"/>). <c>sqlite3_step</c>, which can wait on a lock, keeps it.
/// The library is resolved exactly as SQLitePCL's provider resolves its own <c>DllImport("e_sqlite3")</c>, from that
/// provider's assembly, so both reach the same loaded copy of SQLite. The pointers are read once and never change.
/// </summary>
internal static unsafe class SqliteNative
{
    /// <summary><c>SQLITE_TRANSIENT</c>: SQLite copies a bound value before the call returns.</summary>
    private const nint Transient = -1;

    private static readonly nint Library = NativeLibrary.Load("e_sqlite3", typeof(SQLitePCL.SQLite3Provider_e_sqlite3).Assembly, null);

    private static readonly delegate* unmanaged[Cdecl]<nint, int> StepFn = (delegate* unmanaged[Cdecl]<nint, int>)Export("sqlite3_step");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int> ResetFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int>)Export("sqlite3_reset");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, long, int> BindInt64Fn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, long, int>)Export("sqlite3_bind_int64");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, int> BindNullFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, int>)Export("sqlite3_bind_null");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, byte*, int, nint, int> BindTextFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, byte*, int, nint, int>)Export("sqlite3_bind_text");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, byte*, int, nint, int> BindBlobFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, byte*, int, nint, int>)Export("sqlite3_bind_blob");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, long> ColumnInt64Fn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, long>)Export("sqlite3_column_int64");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, byte*> ColumnTextFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, byte*>)Export("sqlite3_column_text");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, int> ColumnBytesFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int, int>)Export("sqlite3_column_bytes");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int> ChangesFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, int>)Export("sqlite3_changes");
    private static readonly delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, long> LastInsertRowIdFn = (delegate* unmanaged[Cdecl, SuppressGCTransition]<nint, long>)Export("sqlite3_last_insert_rowid");

    public static int Step(nint stmt) => StepFn(stmt);

    public static int Reset(nint stmt) => ResetFn(stmt);

    public static int BindInt64(nint stmt, int index, long value) => BindInt64Fn(stmt, index, value);

    public static int BindNull(nint stmt, int index) => BindNullFn(stmt, index);

    /// <summary>
    /// Binds a string as UTF-8 (the database's encoding), encoded here: SQLite would otherwise convert UTF-16 itself,
    /// a character at a time, on every bind. Short values are encoded on the stack.
    /// </summary>
    public static int BindText(nint stmt, int index, string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = null;
        var buffer = max <= 1024 ? stackalloc byte[max] : (rented = ArrayPool<byte>.Shared.Rent(max));
        try
        {
            var length = Encoding.UTF8.GetBytes(value, buffer);
            fixed (byte* p = buffer)
            {
                return BindTextFn(stmt, index, p, length, Transient);
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public static int BindBlob(nint stmt, int index, ReadOnlySpan<byte> value)
    {
        // A zero-length span may have no address; SQLite binds a zero-length blob for any non-null pointer.
        byte empty = 0;
        fixed (byte* p = value)
        {
            return BindBlobFn(stmt, index, value.IsEmpty ? &empty : p, value.Length, Transient);
        }
    }

    public static long ColumnInt64(nint stmt, int column) => ColumnInt64Fn(stmt, column);

    /// <summary>A text column as a string (decoded from SQLite's UTF-8, one copy); <c>null</c> for SQL NULL.</summary>
    public static string? ColumnText(nint stmt, int column)
    {
        var text = ColumnTextFn(stmt, column);
        return text is null ? null : Encoding.UTF8.GetString(text, ColumnBytesFn(stmt, column));
    }

    public static int Changes(nint db) => ChangesFn(db);

    public static long LastInsertRowId(nint db) => LastInsertRowIdFn(db);

    private static nint Export(string name) => NativeLibrary.GetExport(Library, name);
}
