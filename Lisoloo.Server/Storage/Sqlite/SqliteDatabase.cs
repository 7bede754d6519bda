using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>
/// The SQLite file: schema, pooled read connections, and the single writer. Every write goes through
/// <c>WriteAsync</c>: a loop that takes every pending write, runs each inside its own savepoint of one
/// transaction (group commit) and commits once. Durability is pipelined: SQLite runs in WAL mode with
/// <c>synchronous=NORMAL</c> (commits write the WAL without waiting for the disk), and a flusher thread fsyncs the WAL
/// after each commit and only then completes that batch's callers, while the writer already runs the next batch. So
/// a caller is answered only once its transaction is on disk, and the disk wait no longer stalls the writer.
/// A write that throws rolls back its own savepoint and fails alone.
/// </summary>
internal sealed class SqliteDatabase : IAsyncDisposable
{
    private readonly Channel<WriteOp> _writes = Channel.CreateBounded<WriteOp>(
        new BoundedChannelOptions(65_536) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
    private readonly string _connectionString;
    private readonly int _maxBatch;
    private readonly ILogger _logger;
    private readonly Task _writer;
    private readonly Task _flusher;
    private readonly Task _checkpointer;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Microsoft.Win32.SafeHandles.SafeFileHandle? _wal;
    private readonly Channel<Committed> _committed = Channel.CreateUnbounded<Committed>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SqliteConnection _writeConnection;
    private readonly StoreOutageMonitor? _outages;

    public SqliteDatabase(string connectionString, int maxBatch, ILogger logger, StoreOutageMonitor? outages = null)
    {
        _outages = outages;
        var builder = new SqliteConnectionStringBuilder(connectionString) { Pooling = true };
        if (builder.Mode != SqliteOpenMode.Memory && !string.IsNullOrEmpty(builder.DataSource))
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }

        _connectionString = builder.ToString();
        _maxBatch = Math.Max(1, maxBatch);
        _logger = logger;
        _writeConnection = new SqliteConnection(_connectionString);
        _writeConnection.Open();
        Exec(_writeConnection, "PRAGMA journal_mode=WAL;");
        Exec(_writeConnection, "PRAGMA synchronous=NORMAL;");
        Exec(_writeConnection, "PRAGMA busy_timeout=5000;");
        Exec(_writeConnection, "PRAGMA wal_autocheckpoint=0;"); // checkpoints run on their own thread (CheckpointLoop)
        Exec(_writeConnection, "PRAGMA journal_size_limit=67108864;");
        Exec(_writeConnection, "PRAGMA temp_store=MEMORY;"); // statement journals of multi-row writes stay off the disk
        InitializeSchema();
        var walPath = builder.Mode == SqliteOpenMode.Memory || string.IsNullOrEmpty(builder.DataSource) || builder.DataSource == ":memory:"
            ? null
            : Path.GetFullPath(builder.DataSource) + "-wal";
        _wal = walPath is null ? null : File.OpenHandle(walPath, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        _flusher = Task.Factory.StartNew(FlusherLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        _checkpointer = walPath is null ? Task.CompletedTask : Task.Run(CheckpointLoop);
        _writer = Task.Factory.StartNew(WriterLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    /// <summary>Where the database lives (for logs and health).</summary>
    public string DataSource => _writeConnection.DataSource;

    /// <summary>Counts transactions and the writes they carried (for metrics and the benchmark notes).</summary>
    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Writes committed so far.</summary>
    public long Writes => Interlocked.Read(ref _writesDone);

    /// <summary>WAL flushes (fsync) made so far: one per turn of the flusher that had changes to make durable.</summary>
    public long Syncs => Interlocked.Read(ref _syncs);

    /// <summary>Writes waiting for the writer.</summary>
    public int QueueDepth => _writes.Reader.Count;

    private long _commits;
    private long _writesDone;
    private long _syncs;

    /// <summary>Runs <paramref name="work"/> on the writer connection inside a savepoint; completes after the commit.</summary>
    public Task<T> WriteAsync<T>(Func<SqlContext, T> work, CancellationToken cancellationToken = default) => WriteAsync(work, savepoint: true, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in the group transaction. With <paramref name="savepoint"/> false (the hot accept path)
    /// the work runs without its own savepoint, which saves two statements: it may throw
    /// <see cref="Lifecycle.RefusedException"/> only before its first write; any other exception rolls the whole batch back and
    /// the writer replays it with a savepoint per write, so one failure never takes the others down.
    /// </summary>
    public Task<T> WriteAsync<T>(Func<SqlContext, T> work, bool savepoint, CancellationToken cancellationToken = default)
    {
        var op = new WriteOp<T>(work) { Savepoint = savepoint };
        return Enqueue(op, cancellationToken);
    }

    /// <summary>
    /// Queues <paramref name="item"/> for <paramref name="writer"/>, which runs every such item of a batch together
    /// (multi-row statements instead of statements per item). The writer may refuse an item with
    /// <see cref="Lifecycle.RefusedException"/> before writing anything for it; any other exception replays the batch with
    /// each item alone in its savepoint.
    /// </summary>
    public Task<TResult> WriteGroupedAsync<TItem, TResult>(IGroupWriter<TItem, TResult> writer, TItem item, CancellationToken cancellationToken = default)
    {
        var op = new GroupOp<TItem, TResult>(writer, item);
        return Enqueue(op, cancellationToken);
    }

    /// <summary>Queues <paramref name="op"/>; its task completes once its commit is on disk.</summary>
    private Task<T> Enqueue<T>(ResultOp<T> op, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        return _writes.Writer.TryWrite(op) ? op.Task : QueueWhenRoomAsync(op, cancellationToken);
    }

    /// <summary>The queue is full (or closed): waits for room, then for the result.</summary>
    private async Task<T> QueueWhenRoomAsync<T>(ResultOp<T> op, CancellationToken cancellationToken)
    {
        await _writes.Writer.WriteAsync(op, cancellationToken).ConfigureAwait(false);
        return await op.Task.ConfigureAwait(false);
    }

    /// <summary>Runs a read on a pooled open connection (WAL readers never block the writer).</summary>
    public T Read<T>(Func<SqliteConnection, T> read) => Query(ctx => read(ctx.Connection));

    /// <summary>Runs a read with a pooled open connection whose prepared commands are cached by SQL text (hot paths).</summary>
    public T Query<T>(Func<SqlContext, T> read)
    {
        if (!_readers.TryTake(out var context))
        {
            var connection = new SqliteConnection(_connectionString);
            connection.Open();
            context = new SqlContext(connection);
        }

        var healthy = false;
        try
        {
            var result = read(context);
            healthy = true;
            return result;
        }
        finally
        {
            if (healthy && _readers.Count < MaxPooledReaders && !_disposed)
            {
                _readers.Add(context);
            }
            else
            {
                context.Dispose();
            }
        }
    }

    private const int MaxPooledReaders = 32;
    private readonly System.Collections.Concurrent.ConcurrentBag<SqlContext> _readers = [];
    private volatile bool _disposed;

    /// <summary>True when a trivial read succeeds.</summary>
    public bool Ping()
    {
        try
        {
            return Query(ctx => Convert.ToInt32(ctx.Command("SELECT 1").ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 1);
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>Columns schema.sql has that a database made by an earlier build may lack; added at open, in order. Append only.</summary>
    private static readonly (string Table, string Column, string Type)[] AddedColumns =
    [
        ("deliveries", "carrier_error", "TEXT"),
        ("delivery_parts", "raw_id", "TEXT"),
    ];

    private void InitializeSchema()
    {
        using var stream = typeof(SqliteDatabase).Assembly.GetManifestResourceStream("Lisoloo.Server.sqlite-schema.sql")
            ?? throw new InvalidOperationException("The SQLite schema resource is missing.");
        using var reader = new StreamReader(stream);
        var sql = reader.ReadToEnd();
        using var tx = _writeConnection.BeginTransaction();
        using (var cmd = _writeConnection.CreateCommand())
        {
            cmd.Transaction = tx;
            cmd.CommandText = sql;
            cmd.ExecuteNonQuery();
            // Columns added after a table first shipped: CREATE TABLE IF NOT EXISTS leaves an older table as it was.
            foreach (var (table, column, type) in AddedColumns)
            {
                cmd.CommandText = $"SELECT COUNT(*) FROM pragma_table_info('{table}') WHERE name = '{column}'";
                if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
                {
                    cmd.CommandText = $"ALTER TABLE {table} ADD COLUMN {column} {type}";
                    cmd.ExecuteNonQuery();
                }
            }

            cmd.CommandText = "SELECT COUNT(*) FROM schema_info";
            if (Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                cmd.CommandText = "INSERT INTO schema_info(version) VALUES (1)";
                cmd.ExecuteNonQuery();
            }
        }

        tx.Commit();
    }

    /// <summary>
    /// Takes every queued write, commits the accepts (group writes) among them first, together, then the other writes
    /// (worker steps: a claim of hundreds of rows takes milliseconds; the SMPP bridge's many small result writes, which
    /// share that transaction) in a transaction of their own, and starts over. So an accept waits for at most one
    /// transaction of worker steps, not for the steps queued before it, and worker steps still get every other turn
    /// however fast accepts arrive. Writes pending at the same time were all issued concurrently (none has been
    /// answered), so committing the accepts ahead of them changes nothing a caller could observe; accepts keep their
    /// order among themselves, and so do the other writes.
    /// </summary>
    private async Task WriterLoop()
    {
        var context = new SqlContext(_writeConnection);
        var reader = _writes.Reader;
        var accepts = new List<WriteOp>(_maxBatch);
        var others = new List<WriteOp>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (accepts.Count + others.Count < _maxBatch && reader.TryRead(out var op))
            {
                (op is IGroupMember ? accepts : others).Add(op);
            }

            if (accepts.Count > 0)
            {
                Commit(accepts, context);
                accepts = new List<WriteOp>(_maxBatch);
            }

            if (others.Count > 0)
            {
                Commit(others, context);
                others = [];
            }
        }

        _committed.Writer.TryComplete();
    }

    /// <summary>Runs <paramref name="ops"/> in one transaction and hands them to the flusher (or fails them all).</summary>
    private void Commit(List<WriteOp> ops, SqlContext context)
    {
        Exception? commitError = null;
        var changesBefore = SQLitePCL.raw.sqlite3_total_changes(_writeConnection.Handle);
        try
        {
            if (!RunBatch(ops, context, forceSavepoints: false))
            {
                foreach (var op in ops)
                {
                    op.Reset();
                }

                RunBatch(ops, context, forceSavepoints: true);
            }
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            commitError = ex;

            // A store that cannot be written (disk full, read-only, I/O error) is logged once per outage by the monitor;
            // anything else is a bug, logged every time.
            if (_outages?.WriteFailed(ex) != true)
            {
                StoreLog.GroupCommitFailed(_logger, ex, ops.Count);
            }
        }
        finally
        {
            context.Transaction = null;
        }

        Interlocked.Increment(ref _commits);
        Interlocked.Add(ref _writesDone, ops.Count);
        if (_wal is not null && (_commits & 255) == 0)
        {
            FinishCheckpointIfLarge(context);
        }

        if (commitError is null)
        {
            // Answered after the flusher's fsync. A transaction that changed no row (a worker's poll that found no
            // work) wrote nothing to the WAL: it needs no fsync of its own, and proves nothing about the disk.
            var changed = SQLitePCL.raw.sqlite3_total_changes(_writeConnection.Handle) != changesBefore;
            if (changed)
            {
                _outages?.WriteSucceeded();
            }

            _committed.Writer.TryWrite(new Committed(ops, changed));
        }
        else
        {
            foreach (var op in ops)
            {
                op.FailAll(commitError);
            }
        }
    }

    /// <summary>
    /// Copies the WAL back into the database file from its own connection, so the writer never pays for a checkpoint
    /// (SQLite's automatic checkpoint would run inside a commit of the writer: ~1,000 page writes and two fsyncs).
    /// PASSIVE never blocks the writer or readers; the WAL restarts from its beginning once a checkpoint has caught up.
    /// </summary>
    private async Task CheckpointLoop()
    {
        using var connection = new SqliteConnection(_connectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA wal_checkpoint(PASSIVE);";
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(500));
        var failing = false;
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                try
                {
                    cmd.ExecuteNonQuery();
                    failing = false;
                }
                catch (SqliteException ex)
                {
                    // Twice a second during an outage (a full disk): the first failure of a run is enough.
                    if (!failing)
                    {
                        StoreLog.CheckpointFailed(_logger, ex.Message);
                    }

                    failing = true;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        using var last = connection.CreateCommand();
        last.CommandText = "PRAGMA wal_checkpoint(TRUNCATE);";
        try
        {
            last.ExecuteNonQuery();
        }
        catch (SqliteException)
        {
            // Best effort at shutdown: the WAL is replayed on the next open anyway.
        }
    }

    /// <summary>
    /// The background checkpoints cannot finish while the writer keeps appending, so under sustained load the WAL would
    /// only grow. When it passes 64 MiB the writer finishes the checkpoint itself between two transactions (cheap: the
    /// background has already copied most frames), and its next transaction starts the WAL over.
    /// </summary>
    private void FinishCheckpointIfLarge(SqlContext context)
    {
        try
        {
            if (RandomAccess.GetLength(_wal!) < 64L * 1024 * 1024)
            {
                return;
            }

            context.Exec("PRAGMA wal_checkpoint(PASSIVE);");
        }
        catch (Exception ex) when (ex is SqliteException or IOException)
        {
            StoreLog.CheckpointFinishFailed(_logger, ex);
        }
    }

    /// <summary>Fsyncs the WAL once for every commit made since the last fsync, then answers those commits' callers.</summary>
    private async Task FlusherLoop()
    {
        var reader = _committed.Reader;
        var ready = new List<List<WriteOp>>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            ready.Clear();
            var changed = false;
            while (reader.TryRead(out var batch))
            {
                ready.Add(batch.Ops);
                changed |= batch.Changed;
            }

            try
            {
                // When none of this turn's transactions changed a row there is nothing to sync: every commit before them
                // was synced by an earlier turn of this loop (commits reach it in order), so what they read is already
                // on disk. An idle server's workers poll in write transactions several times a second; no flush for those.
                if (_wal is not null && changed)
                {
                    SyncData(_wal);
                    Interlocked.Increment(ref _syncs);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // The commits are visible but their durability is unknown: answering either way could lie. Stop, as
                // PostgreSQL does on a failed fsync; on restart SQLite recovers the WAL to what really is on disk.
                StoreLog.FlushFailed(_logger, ex);
                Environment.FailFast("fsync of the SQLite WAL failed", ex);
            }

            foreach (var batch in ready)
            {
                foreach (var op in batch)
                {
                    op.Complete();
                }
            }
        }
    }

    /// <summary>
    /// Makes the WAL's written frames durable. On Linux that is <c>fdatasync</c>, as SQLite itself does: the data and
    /// the file size reach the disk, but not the modification time, which would cost an inode write on every flush
    /// (the WAL is rewritten in place, so its size rarely changes). Elsewhere, <see cref="RandomAccess.FlushToDisk"/>.
    /// </summary>
    private static void SyncData(Microsoft.Win32.SafeHandles.SafeFileHandle file)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(file);
            return;
        }

        var added = false;
        try
        {
            file.DangerousAddRef(ref added);
            while (NativeMethods.FDataSync((int)file.DangerousGetHandle()) != 0)
            {
                var errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                if (errno != 4) // EINTR: try again
                {
                    throw new IOException($"fdatasync of the SQLite WAL failed (errno {errno}).", errno);
                }
            }
        }
        finally
        {
            if (added)
            {
                file.DangerousRelease();
            }
        }
    }

    /// <summary>One transaction over the batch. False (and rolled back) when a write without savepoint failed mid-way.</summary>
    private static bool RunBatch(List<WriteOp> batch, SqlContext context, bool forceSavepoints)
    {
        using var tx = context.Connection.BeginTransaction(deferred: false);
        context.Transaction = tx;
        for (var i = 0; i < batch.Count; i++)
        {
            var op = batch[i];
            if (op is IGroupMember member && !forceSavepoints)
            {
                if (member.Taken)
                {
                    continue; // already run with an earlier member of its group
                }

                // Every member of the batch with the same group writer runs together, in queue order.
                member.Taken = true;
                var members = new List<IGroupMember> { member };
                for (var j = i + 1; j < batch.Count; j++)
                {
                    if (batch[j] is IGroupMember other && other.Group == member.Group && !other.Taken)
                    {
                        members.Add(other);
                        other.Taken = true;
                    }
                }

                try
                {
                    member.RunGroup(context, members);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    tx.Rollback();
                    context.Transaction = null;
                    return false;
                }

                continue;
            }

            if (op.Savepoint || forceSavepoints)
            {
                context.Exec("SAVEPOINT w");
                try
                {
                    op.Run(context);
                    context.Exec("RELEASE w");
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    context.Exec("ROLLBACK TO w");
                    context.Exec("RELEASE w");
                    op.Fault(ex);
                }
            }
            else
            {
                try
                {
                    op.Run(context);
                }
                catch (Lifecycle.RefusedException ex)
                {
                    op.Fault(ex); // thrown before any write, by contract
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    tx.Rollback();
                    context.Transaction = null;
                    return false;
                }
            }
        }

        tx.Commit();
        return true;
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _writes.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
        await _flusher.ConfigureAwait(false);
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _checkpointer.ConfigureAwait(false);
        _stopping.Dispose();
        _wal?.Dispose();
        while (_readers.TryTake(out var reader))
        {
            reader.Dispose();
        }

        await _writeConnection.DisposeAsync().ConfigureAwait(false);
        SqliteConnection.ClearAllPools();
    }

    /// <summary>A committed transaction's writes, and whether it changed any row (and so wrote WAL frames).</summary>
    private readonly record struct Committed(List<WriteOp> Ops, bool Changed);

    private abstract class WriteOp
    {
        public bool Savepoint { get; init; } = true;

        public abstract void Run(SqlContext context);

        public abstract void Reset();

        public abstract void Complete();

        public abstract void Fault(Exception error);

        public abstract void FailAll(Exception error);
    }

    /// <summary>A queued item of a group writer.</summary>
    private interface IGroupMember
    {
        object Group { get; }

        bool Taken { get; set; }

        void RunGroup(SqlContext context, List<IGroupMember> members);
    }

    /// <summary>A write with a result: completed after the commit is on disk, with its result or its own failure.</summary>
    private abstract class ResultOp<T> : WriteOp
    {
        private readonly TaskCompletionSource<T> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task<T> Task => _tcs.Task;

        protected T? Result { get; set; }

        protected Exception? Error { get; set; }

        public override void Reset()
        {
            Error = null;
            Result = default;
        }

        /// <summary>After the commit: the result, or this write's own failure.</summary>
        public override void Complete()
        {
            if (Error is null)
            {
                _tcs.TrySetResult(Result!);
            }
            else
            {
                _tcs.TrySetException(Error);
            }
        }

        /// <summary>Records this write's failure (its savepoint was rolled back); reported at completion.</summary>
        public override void Fault(Exception error) => Error ??= error;

        /// <summary>The whole transaction failed.</summary>
        public override void FailAll(Exception error) => _tcs.TrySetException(error);
    }

    private sealed class GroupOp<TItem, TResult>(IGroupWriter<TItem, TResult> writer, TItem item) : ResultOp<TResult>, IGroupMember
    {
        public object Group => writer;

        public bool Taken { get; set; }

        /// <summary>Alone (the replay after a failed group): the writer with a list of one, inside this op's savepoint.</summary>
        public override void Run(SqlContext context) => RunGroup(context, [this]);

        public void RunGroup(SqlContext context, List<IGroupMember> members)
        {
            var items = new TItem[members.Count];
            for (var i = 0; i < items.Length; i++)
            {
                items[i] = ((GroupOp<TItem, TResult>)members[i]).Item;
            }

            var outcomes = new GroupOutcome<TResult>[items.Length];
            writer.Run(context, items, outcomes);
            for (var i = 0; i < items.Length; i++)
            {
                var op = (GroupOp<TItem, TResult>)members[i];
                if (outcomes[i].Error is { } error)
                {
                    op.Error = error;
                }
                else
                {
                    op.Result = outcomes[i].Result;
                }
            }

            if (members.Count == 1 && Error is { } own)
            {
                throw own; // alone in a savepoint: let the savepoint roll back
            }
        }

        private TItem Item => item;

        public override void Reset()
        {
            base.Reset();
            Taken = false;
        }
    }

    private sealed class WriteOp<T>(Func<SqlContext, T> work) : ResultOp<T>
    {
        public override void Run(SqlContext context) => Result = work(context);
    }
}
