using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Npgsql;

namespace Lisoloo.TestSupport.Postgres;

/// <summary>
/// The PostgreSQL server of the tests, and fresh databases on it: each test (or fixture) that needs one calls
/// <see cref="CreateDatabaseAsync"/> and, when done, <see cref="DropDatabaseAsync"/>.
/// </summary>
/// <remarks>
/// <para>
/// The server is the one <see cref="ConnectionStringVariable"/> names: <c>eng/test.sh</c> starts a private cluster
/// (<c>eng/pg.sh</c>) for the whole run and sets it. When the variable is absent (<c>dotnet test</c> run directly), the
/// first call starts a private cluster for this process with <c>eng/pg.sh start .eng-tmp/pg-dotnet/&lt;pid&gt;</c>, and
/// stops and removes it when the process exits. A test host that is killed cannot do that: the next process that starts
/// its own cluster stops and removes those of processes no longer running. When that start fails (no PostgreSQL and no
/// root to install it, not Linux…), every call fails with the script's reasons and a hint to run <c>eng/test.sh</c> or
/// to set the variable.
/// </para>
/// <para>
/// The cluster is test-only: trust authentication on 127.0.0.1, superuser <c>postgres</c>, UTF8, fsync off (see
/// <c>eng/pg.sh</c>). The connection strings are Npgsql's (<c>Host=127.0.0.1;Port=N;Username=postgres;Database=…</c>).
/// </para>
/// </remarks>
public static partial class TestPostgres
{
    /// <summary>The environment variable holding the Npgsql connection string of the test server (its <c>postgres</c> database, as a superuser).</summary>
    public const string ConnectionStringVariable = "LISOLOO_TEST_POSTGRES";

    private const int MaxPrefixLength = 40;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(10); // may include apt-get install postgresql
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(60);
    private static readonly Lazy<Task<string>> Server = new(FindOrStartServerAsync, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>
    /// Gets the connection string of the test server's <c>postgres</c> database (a superuser), starting a private cluster
    /// first when <see cref="ConnectionStringVariable"/> is not set. Use it for server-wide statements only: tests work in
    /// a database of their own (<see cref="CreateDatabaseAsync"/>).
    /// </summary>
    /// <param name="cancellationToken">Cancels the wait (not a start in progress, which other callers share).</param>
    /// <returns>The connection string.</returns>
    /// <exception cref="InvalidOperationException">No server is configured and <c>eng/pg.sh</c> could not start one.</exception>
    public static Task<string> GetServerConnectionStringAsync(CancellationToken cancellationToken = default)
        => Server.Value.WaitAsync(cancellationToken);

    /// <summary>
    /// Creates an empty database named <c>&lt;prefix&gt;_&lt;16 random hex digits&gt;</c> (from <c>template0</c>, UTF8)
    /// and returns the connection string to it.
    /// </summary>
    /// <param name="prefix">The start of the name: 1 to 40 ASCII letters, digits or underscores, starting with a letter (lower-cased), e.g. the test class's area (<c>"store"</c>).</param>
    /// <param name="cancellationToken">Cancels the start of the server or the statement.</param>
    /// <returns>The connection string of the new database, as a superuser; pass it to <see cref="DropDatabaseAsync"/> when done.</returns>
    /// <exception cref="ArgumentException"><paramref name="prefix"/> is not a valid prefix.</exception>
    /// <exception cref="InvalidOperationException">No server could be started or reached.</exception>
    public static async Task<string> CreateDatabaseAsync(string prefix, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.Length > MaxPrefixLength || !PrefixPattern().IsMatch(prefix))
        {
            throw new ArgumentException(
                $"A database prefix is 1 to {MaxPrefixLength} ASCII letters, digits or underscores, starting with a letter; got \"{prefix}\".", nameof(prefix));
        }

        var server = await GetServerConnectionStringAsync(cancellationToken).ConfigureAwait(false);
        var name = prefix.ToLowerInvariant() + "_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = await OpenAsync(server, cancellationToken).ConfigureAwait(false))
        {
            // template0: nobody is ever connected to it, so concurrent creates never find the template busy.
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8'", connection);
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    /// <summary>
    /// Drops the database a connection string names (one from <see cref="CreateDatabaseAsync"/>), ending the sessions
    /// still connected to it (<c>WITH (FORCE)</c>) and clearing Npgsql's pool for that connection string. Nothing happens
    /// when the database no longer exists.
    /// </summary>
    /// <param name="connectionString">The connection string <see cref="CreateDatabaseAsync"/> returned.</param>
    /// <param name="cancellationToken">Cancels the statement.</param>
    /// <returns>A task.</returns>
    /// <exception cref="ArgumentException">The connection string names no database, or one of the server's own (<c>postgres</c>, <c>template0</c>, <c>template1</c>).</exception>
    public static async Task DropDatabaseAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        if (string.IsNullOrEmpty(name) || name is "postgres" or "template0" or "template1" || !DatabasePattern().IsMatch(name))
        {
            throw new ArgumentException($"Not a database made by CreateDatabaseAsync: \"{name}\".", nameof(connectionString));
        }

        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }

        var server = await GetServerConnectionStringAsync(cancellationToken).ConfigureAwait(false);
        await using var connection = await OpenAsync(server, cancellationToken).ConfigureAwait(false);
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex PrefixPattern();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex DatabasePattern();

    private static async Task<NpgsqlConnection> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch (NpgsqlException ex)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw new InvalidOperationException(
                $"Could not connect to the test PostgreSQL server ({connectionString}): {ex.Message}. " +
                $"It comes from {ConnectionStringVariable} (set by eng/test.sh) or from this process's own eng/pg.sh cluster.", ex);
        }
    }

    private static Task<string> FindOrStartServerAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        return string.IsNullOrWhiteSpace(configured) ? StartOwnClusterAsync() : Task.FromResult(configured.Trim());
    }

    private static async Task<string> StartOwnClusterAsync()
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new InvalidOperationException(
                $"{ConnectionStringVariable} is not set, and eng/pg.sh (which starts a private PostgreSQL cluster) runs on Linux only. " +
                $"Set {ConnectionStringVariable} to an Npgsql connection string of a superuser on a test server.");
        }

        var parent = Path.Combine(RepoPaths.Root, ".eng-tmp", "pg-dotnet");
        Directory.CreateDirectory(parent);
        RemoveClustersOfExitedProcesses(parent);

        var dir = Path.Combine(parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        if (Directory.Exists(dir))
        {
            // An earlier process with this same id left it: not ours, since this runs once per process.
            await RunScriptAsync("stop", dir, StopTimeout).ConfigureAwait(false);
        }

        var (exitCode, output, errors) = await RunScriptAsync("start", dir, StartTimeout).ConfigureAwait(false);
        var connectionString = output.Trim();
        if (exitCode != 0 || connectionString.Length == 0)
        {
            throw new InvalidOperationException(
                $"{ConnectionStringVariable} is not set, and starting a private PostgreSQL cluster with `eng/pg.sh start {dir}` failed " +
                $"(exit code {exitCode.ToString(CultureInfo.InvariantCulture)}). Run the tests with eng/test.sh (it starts one for the run), " +
                $"or start one yourself (`eng/pg.sh start /tmp/pg`) and export {ConnectionStringVariable}=<the line it prints>.{Environment.NewLine}" +
                errors.Trim());
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => StopAtExit(dir);
        return connectionString;
    }

    private static void StopAtExit(string dir)
    {
        try
        {
            RunScriptAsync("stop", dir, StopTimeout).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Exiting anyway: the next process that starts its own cluster removes this one.
        }
        catch (TimeoutException)
        {
            // Same.
        }
    }

    private static void RemoveClustersOfExitedProcesses(string parent)
    {
        foreach (var dir in Directory.EnumerateDirectories(parent))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                || pid == Environment.ProcessId || IsRunning(pid))
            {
                continue;
            }

            try
            {
                RunScriptAsync("stop", dir, StopTimeout).GetAwaiter().GetResult();
            }
            catch (TimeoutException)
            {
                // Best effort: a later process tries again.
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    internal static async Task<(int ExitCode, string Output, string Errors)> RunScriptAsync(string command, string dir, TimeSpan timeout)
    {
        var info = new ProcessStartInfo("bash")
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
            WorkingDirectory = RepoPaths.Root,
        };
        info.ArgumentList.Add(Path.Combine(RepoPaths.Root, "eng", "pg.sh"));
        info.ArgumentList.Add(command);
        info.ArgumentList.Add(dir);

        using var process = Process.Start(info) ?? throw new InvalidOperationException("bash did not start");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            await PeerProcess.KillAsync(process).ConfigureAwait(false);
            throw new TimeoutException($"eng/pg.sh {command} {dir} did not finish within {timeout.TotalSeconds:0} s.");
        }

        return (process.ExitCode, await output.ConfigureAwait(false), await errors.ConfigureAwait(false));
    }
}
