using System.Globalization;

namespace Lisoloo.TestSupport.Postgres;

/// <summary>
/// A PostgreSQL cluster of one test's own (<c>eng/pg.sh start</c>), for fault tests that stop and start the whole
/// server, which the cluster shared by the other tests must never do. Disposing stops it and removes its files.
/// </summary>
public sealed class PrivatePostgresCluster : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(2);
    private readonly string _dir;

    private PrivatePostgresCluster(string dir, string connectionString)
    {
        _dir = dir;
        ConnectionString = connectionString;
    }

    /// <summary>Gets the connection string of its <c>postgres</c> database, as a superuser.</summary>
    public string ConnectionString { get; }

    /// <summary>Creates and starts a cluster in a new folder under <c>.eng-tmp/pg-private</c>.</summary>
    /// <returns>The running cluster.</returns>
    /// <exception cref="InvalidOperationException"><c>eng/pg.sh start</c> failed (its reasons are in the message).</exception>
    public static async Task<PrivatePostgresCluster> StartAsync()
    {
        var dir = Path.Combine(RepoPaths.Root, ".eng-tmp", "pg-private", Guid.NewGuid().ToString("N")[..12]);
        var (exitCode, output, errors) = await TestPostgres.RunScriptAsync("start", dir, Timeout).ConfigureAwait(false);
        if (exitCode != 0 || output.Trim().Length == 0)
        {
            throw new InvalidOperationException($"eng/pg.sh start {dir} failed (exit code {exitCode.ToString(CultureInfo.InvariantCulture)}): {errors.Trim()}");
        }

        return new PrivatePostgresCluster(dir, output.Trim());
    }

    /// <summary>Stops the server as an operator's restart would (<c>pg_ctl stop -m fast</c>: sessions end, new ones are refused); the data stays.</summary>
    /// <returns>A task that completes once the server has stopped.</returns>
    public Task HaltAsync() => RunAsync("halt");

    /// <summary>Starts the halted server again, on the same port, and waits until it accepts sessions.</summary>
    /// <returns>A task that completes once the server is ready.</returns>
    public Task ResumeAsync() => RunAsync("resume");

    /// <summary>Stops the server and removes its files.</summary>
    /// <returns>A task that completes once it is gone.</returns>
    public async ValueTask DisposeAsync() => await RunAsync("stop").ConfigureAwait(false);

    private async Task RunAsync(string command)
    {
        var (exitCode, _, errors) = await TestPostgres.RunScriptAsync(command, _dir, Timeout).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"eng/pg.sh {command} {_dir} failed (exit code {exitCode.ToString(CultureInfo.InvariantCulture)}): {errors.Trim()}");
        }
    }
}
