using System.Diagnostics;
using Lisoloo.Sdk;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Lisoloo.TestSupport.Postgres;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace Lisoloo.Server.Tests.Durability;

/// <summary>
/// What the server says while its store fails: a real SQLite file on a disk that fills up, and a real PostgreSQL
/// database that stops taking connections. Requests that need the store are answered 503 with error 1504 and
/// <c>Retry-After</c> (never 500, never a partial debit), <c>/health</c> says why, the outage is logged once rather than
/// a stack trace per request, and everything works again, with nothing lost, once the store is back.
/// </summary>
[TestFixture]
public sealed class StoreOutageTests
{
    private const decimal Price = 0.02m;
    private const decimal Initial = 100m;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private static Dictionary<string, string?> Unlimited => new() { ["Lisoloo:RateLimits:SendPerMinute"] = "100000" };

    [Test]
    public async Task A_full_disk_under_SQLite_is_answered_503_1504_and_the_server_recovers_when_space_is_freed()
    {
        using var disk = await SmallDisk.MountAsync(sizeMegabytes: 8);
        var capture = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(Unlimited, dataDirectory: Path.Combine(disk.Path, "data"),
            services: s => s.AddSingleton<ILoggerProvider>(capture));
        var key = await server.CreateKeyAsync(merchant: "disk-full", balance: Initial, unitPrice: Price);
        var accepted = new List<string>();
        Assert.That(await SendAsync(server, key.ApiKey, 0, accepted), Is.EqualTo(201), "a send before the disk fills");

        disk.Fill();

        // The WAL has room for some writes still: send until the disk refuses one (bounded), then 20 more.
        RawResponse? refused = null;
        var answers = new List<int>();
        for (var i = 1; i <= 3000 && refused is null; i++)
        {
            var (status, response) = await SendRawAsync(server, key.ApiKey, i, accepted);
            answers.Add(status);
            refused = status == 503 ? response : null;
        }

        Assert.That(refused, Is.Not.Null, "a send was refused once the disk was full");
        for (var i = 0; i < 20; i++)
        {
            answers.Add(await SendAsync(server, key.ApiKey, 10_000 + i, accepted));
        }

        var health = await server.SendRawAsync(HttpMethod.Get, "health", null);
        var balanceDuring = await server.SendRawAsync(HttpMethod.Get, "balance", key.ApiKey);
        Assert.Multiple(() =>
        {
            Assert.That(answers.Where(s => s != 201 && s != 503), Is.Empty, "every answer is 201 or 503, never 500");
            Assert.That(refused!.ErrorCode, Is.EqualTo(LisolooErrorCodes.ServiceUnavailable));
            Assert.That(refused.Headers["Retry-After"], Is.EqualTo("5"));
            Assert.That(refused.Json!.Value.GetProperty("message").GetString(), Does.Contain("nothing was charged"));
            Assert.That(refused.Json!.Value.GetProperty("request_id").GetString(), Does.StartWith("req_"));
            Assert.That(health.Status, Is.EqualTo(503), health.Body);
            Assert.That(health.Headers["Retry-After"], Is.EqualTo("5"));
            Assert.That(health.Data.GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
            Assert.That(health.Data.GetProperty("checks").GetProperty("store").GetProperty("description").GetString(),
                Does.StartWith("sqlite: cannot write: ").And.Contain("full").IgnoreCase, "health names the store's reason");
            Assert.That(balanceDuring.Status, Is.EqualTo(200), "reads still work while writes cannot");
            Assert.That(balanceDuring.Data.GetProperty("balance").GetDecimal(), Is.EqualTo(Initial - (accepted.Count * Price)), "exactly the accepted sends were charged");
        });

        disk.Free();
        await Wait.UntilAsync(async () => (await server.SendRawAsync(HttpMethod.Get, "health", null)).Status == 200, Deadline, "/health healthy once space is freed");
        Assert.That(await SendAsync(server, key.ApiKey, 20_000, accepted), Is.EqualTo(201), "a send after the disk has room again");
        await AllDeliveredAsync(server, key.ApiKey, accepted);
        await AssertBalanceAsync(server, key.ApiKey, accepted.Count);
        AssertLoggedOnce(capture, answers.Count(s => s == 503), server);
    }

    [Test]
    public async Task A_PostgreSQL_database_that_refuses_connections_is_answered_503_1504_and_the_server_recovers()
    {
        var capture = new CapturingLoggerProvider();
        await using var server = await TestServer.StartAsync(Unlimited, store: StoreKind.Postgres, services: s => s.AddSingleton<ILoggerProvider>(capture));
        var key = await server.CreateKeyAsync(merchant: "pg-down", balance: Initial, unitPrice: Price);
        var accepted = new List<string>();
        Assert.That(await SendAsync(server, key.ApiKey, 0, accepted), Is.EqualTo(201), "a send before the outage");
        await AllDeliveredAsync(server, key.ApiKey, accepted);

        // Only this test's database goes away (the cluster is shared with the tests running beside it): no new session,
        // and the server's pooled sessions ended as a restart would end them.
        var database = server.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Lisoloo.Server.Configuration.ServerOptions>>().Value.Store.ConnectionString!;
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        await AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false");
        await AdminAsync($"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}' AND pid <> pg_backend_pid()");
        try
        {
            var answers = new List<int>();
            RawResponse? refused = null;
            for (var i = 1; i <= 10; i++)
            {
                var (status, response) = await SendRawAsync(server, key.ApiKey, i, accepted);
                answers.Add(status);
                refused ??= status == 503 ? response : null;
            }

            var health = await server.SendRawAsync(HttpMethod.Get, "health", null);
            Assert.Multiple(() =>
            {
                Assert.That(answers, Is.All.EqualTo(503), "no send is accepted while the database refuses sessions");
                Assert.That(refused!.ErrorCode, Is.EqualTo(LisolooErrorCodes.ServiceUnavailable));
                Assert.That(refused.Headers["Retry-After"], Is.EqualTo("5"));
                Assert.That(health.Status, Is.EqualTo(503), health.Body);
                Assert.That(health.Data.GetProperty("checks").GetProperty("store").GetProperty("status").GetString(), Is.EqualTo("unhealthy"));
                Assert.That(server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, Is.False, "the host kept running");
            });
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
        }

        await Wait.UntilAsync(async () => (await server.SendRawAsync(HttpMethod.Get, "health", null)).Status == 200, Deadline, "/health healthy once the database is back");
        Assert.That(await SendAsync(server, key.ApiKey, 100, accepted), Is.EqualTo(201), "a send after the outage");
        await AllDeliveredAsync(server, key.ApiKey, accepted);
        await AssertBalanceAsync(server, key.ApiKey, accepted.Count);
        AssertLoggedOnce(capture, 10, server);

        // The end is logged at the first write after a quiet period (an idle server's /health probe writes one).
        await Wait.UntilAsync(async () =>
        {
            await server.SendRawAsync(HttpMethod.Get, "health", null);
            return capture.Entries.Any(IsEnd);
        }, Deadline, "the end of the outage logged", TimeSpan.FromMilliseconds(250));
        Assert.That(capture.Entries.Count(IsEnd), Is.EqualTo(1), "the end of the outage is logged once");

        static bool IsEnd(CapturingLoggerProvider.Entry e) =>
            e.Category.EndsWith(nameof(StoreOutageMonitor), StringComparison.Ordinal) && e.Message.Contains("available again", StringComparison.Ordinal);

        static async Task AdminAsync(string sql)
        {
            await using var connection = new NpgsqlConnection(await TestPostgres.GetServerConnectionStringAsync());
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }

    [Test]
    public async Task PostgreSQL_stopped_and_started_under_load_loses_nothing_and_charges_each_send_once()
    {
        // A cluster of this test's own: the whole server stops, as in an operator's restart (the shared one must not).
        await using var cluster = await PrivatePostgresCluster.StartAsync();
        var capture = new CapturingLoggerProvider();
        var settings = Unlimited;
        settings["Lisoloo:Store:Provider"] = "postgres";
        settings["Lisoloo:Store:ConnectionString"] = cluster.ConnectionString;
        settings["Lisoloo:MasterKey"] = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        await using var server = await TestServer.StartAsync(settings, services: s => s.AddSingleton<ILoggerProvider>(capture));
        var key = await server.CreateKeyAsync(merchant: "pg-restart", balance: 1000m, unitPrice: Price);

        // Four clients send without pause, each request with its own Idempotency-Key; a refused request is sent again,
        // same key and body, 100 ms later (a client's backoff, shortened), until it is accepted.
        using var stop = new CancellationTokenSource();
        var requests = new System.Collections.Concurrent.ConcurrentQueue<Attempted>();
        var refusals = new System.Collections.Concurrent.ConcurrentQueue<RawResponse>();
        var accepted = 0;
        var senders = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 5000 && !stop.IsCancellationRequested; i++)
            {
                var n = (w * 10_000) + i;
                var headers = new Dictionary<string, string> { ["Idempotency-Key"] = $"restart-{n}" };
                for (var attempt = 1; ; attempt++)
                {
                    var response = await server.SendRawAsync(HttpMethod.Post, "send", key.ApiKey, $$"""{"to":["+1415555{{n % 10_000:D4}}"],"message":"Restart {{n}}"}""", headers);
                    if (response.Status == 201)
                    {
                        requests.Enqueue(new Attempted(n, response.Data.GetProperty("message_id").GetString()!, attempt,
                            response.Headers.TryGetValue("Idempotent-Replayed", out var replayed) && replayed == "true"));
                        Interlocked.Increment(ref accepted);
                        break;
                    }

                    refusals.Enqueue(response);
                    Assert.That(attempt, Is.LessThan(600), $"request {n} still refused after 60 s: {response.Body}");
                    await Task.Delay(100);
                }
            }
        })).ToArray();

        await Wait.UntilAsync(() => Volatile.Read(ref accepted) >= 20, Deadline, "20 sends accepted before the restart");
        await cluster.HaltAsync();
        await Wait.UntilAsync(() => refusals.Count >= 8, Deadline, "sends refused while PostgreSQL is down");
        var health = await server.SendRawAsync(HttpMethod.Get, "health", null);
        await cluster.ResumeAsync();
        var atResume = Volatile.Read(ref accepted);
        await Wait.UntilAsync(() => Volatile.Read(ref accepted) >= atResume + 20, Deadline, "20 more sends accepted after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        var all = requests.ToArray();
        await TestContext.Out.WriteLineAsync($"{all.Length} requests accepted, {refusals.Count} refusals, {all.Count(a => a.Attempts > 1)} requests refused at least once, {all.Count(a => a.Replayed)} idempotent replays");
        Assert.Multiple(() =>
        {
            Assert.That(refusals.Select(r => (r.Status, r.ErrorCode)).Distinct(), Is.EqualTo(new[] { (503, (int?)LisolooErrorCodes.ServiceUnavailable) }),
                "every refusal is 503/1504, never 500");
            Assert.That(refusals.Select(r => r.Headers.GetValueOrDefault("Retry-After")).Distinct(), Is.EqualTo(new[] { "5" }));
            Assert.That(health.Status, Is.EqualTo(503), health.Body);
            Assert.That(all.Select(a => a.N).Distinct().Count(), Is.EqualTo(all.Length), "each request accepted once");
            Assert.That(all.Select(a => a.MessageId).Distinct().Count(), Is.EqualTo(all.Length), "one message per request, however often it was sent");
            Assert.That(all.Count(a => a.Attempts > 1), Is.GreaterThan(0), "some requests were refused during the restart, then accepted");
            Assert.That(server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, Is.False, "the host kept running");
        });

        await AllDeliveredAsync(server, key.ApiKey, [.. all.Select(a => a.MessageId)]);
        using var client = server.Client(key.ApiKey);
        Assert.That((await client.GetBalanceAsync()).Value.Balance, Is.EqualTo(1000m - (all.Length * Price)),
            $"each of the {all.Length} requests charged once ({all.Count(a => a.Replayed)} answered by an idempotent replay)");
        AssertLoggedOnce(capture, refusals.Count, server);
    }

    private sealed record Attempted(int N, string MessageId, int Attempts, bool Replayed);

    private static async Task<int> SendAsync(TestServer server, string apiKey, int n, List<string> accepted) => (await SendRawAsync(server, apiKey, n, accepted)).Status;

    private static async Task<(int Status, RawResponse Response)> SendRawAsync(TestServer server, string apiKey, int n, List<string> accepted)
    {
        var response = await server.SendRawAsync(HttpMethod.Post, "send", apiKey, $$"""{"to":["+1415555{{n % 10_000:D4}}"],"message":"Outage {{n}}"}""");
        if (response.Status == 201)
        {
            accepted.Add(response.Data.GetProperty("message_id").GetString()!);
        }
        else
        {
            Assert.That(response.Status, Is.EqualTo(503), response.Body);
        }

        return (response.Status, response);
    }

    private static async Task AllDeliveredAsync(TestServer server, string apiKey, List<string> accepted)
    {
        using var client = server.Client(apiKey);
        foreach (var id in accepted)
        {
            await Wait.UntilAsync(async () => (await client.GetStatusAsync(id)).Value.Status == SmsStatus.Delivered, Deadline, $"{id} delivered", TimeSpan.FromMilliseconds(50));
        }
    }

    private static async Task AssertBalanceAsync(TestServer server, string apiKey, int acceptedCount)
    {
        using var client = server.Client(apiKey);
        Assert.That((await client.GetBalanceAsync()).Value.Balance, Is.EqualTo(Initial - (acceptedCount * Price)), "each accepted send charged once, each refused one not at all");
    }

    /// <summary>The outage is logged when it starts (a warning with the store's reason), not once per request, and no request logged a 500.</summary>
    private static void AssertLoggedOnce(CapturingLoggerProvider capture, int refusedCount, TestServer server)
    {
        var starts = capture.Entries.Count(e => e.Category.EndsWith(nameof(StoreOutageMonitor), StringComparison.Ordinal) && e.Message.Contains("unavailable", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That(starts, Is.GreaterThanOrEqualTo(1), "the outage was logged");
            Assert.That(starts, Is.LessThan(refusedCount), "but not once per refused request");
            Assert.That(capture.Entries.Where(e => e.Message.StartsWith("Unhandled error", StringComparison.Ordinal)).Select(e => e.Message), Is.Empty, "no request answered 500");
            Assert.That(capture.Entries.Where(e => e.Message.Contains("group commit", StringComparison.Ordinal)).Select(e => e.Message), Is.Empty, "no stack trace per failed commit");
            Assert.That(server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, Is.False, "the host kept running");
        });
    }

    /// <summary>A tmpfs of a few megabytes, mounted for one test (root only; the test is ignored otherwise) and unmounted after.</summary>
    private sealed class SmallDisk : IDisposable
    {
        private SmallDisk(string path) => Path = path;

        public string Path { get; }

        private string Filler => System.IO.Path.Combine(Path, "filler");

        public static async Task<SmallDisk> MountAsync(int sizeMegabytes)
        {
            if (!OperatingSystem.IsLinux() || !Environment.IsPrivilegedProcess)
            {
                Assert.Ignore("A full disk is made with a tmpfs mount, which needs Linux and root (eng/test.sh runs as root in CI).");
            }

            var path = TestFolders.NewPath();
            Directory.CreateDirectory(path);
            var (code, output) = await RunAsync("mount", "-t", "tmpfs", "-o", $"size={sizeMegabytes}m", "tmpfs", path);
            if (code != 0)
            {
                Directory.Delete(path);
                Assert.Ignore($"mount -t tmpfs failed ({output.Trim()}): this machine cannot make a small disk for the test.");
            }

            return new SmallDisk(path);
        }

        /// <summary>Writes a file until the disk refuses (ENOSPC).</summary>
        public void Fill()
        {
            var chunk = new byte[64 * 1024];
            using var file = new FileStream(Filler, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.None);
            try
            {
                for (var i = 0; i < 1024; i++)
                {
                    file.Write(chunk);
                }
            }
            catch (IOException)
            {
                // Full: exactly what the test wants.
            }

            Assert.That(new DriveInfo(Path).AvailableFreeSpace, Is.LessThan(chunk.Length), "the disk is full");
        }

        public void Free() => File.Delete(Filler);

        public void Dispose()
        {
            // The server is stopped by now: unmounting drops whatever it left.
            var (code, output) = RunAsync("umount", "-l", Path).GetAwaiter().GetResult();
            Assert.That(code, Is.Zero, "umount: " + output);
            Directory.Delete(Path, recursive: true);
        }

        private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
        {
            var info = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var a in args)
            {
                info.ArgumentList.Add(a);
            }

            using var process = Process.Start(info)!;
            var output = await process.StandardError.ReadToEndAsync() + await process.StandardOutput.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, output);
        }
    }
}

/// <summary>Which failures are outages (503, 1504) and which are bugs (500): the store's own codes decide.</summary>
[TestFixture]
public sealed class StoreOutageClassificationTests
{
    private static IEnumerable<TestCaseData> Cases()
    {
        yield return new TestCaseData(new SqliteException("database or disk is full", 13), true).SetName("SQLite FULL");
        yield return new TestCaseData(new SqliteException("disk I/O error", 10, 10 | (4 << 8)), true).SetName("SQLite IOERR_READ (extended)");
        yield return new TestCaseData(new SqliteException("attempt to write a readonly database", 8), true).SetName("SQLite READONLY");
        yield return new TestCaseData(new SqliteException("database is locked", 5), true).SetName("SQLite BUSY past its timeout");
        yield return new TestCaseData(new SqliteException("unable to open database file", 14), true).SetName("SQLite CANTOPEN");
        yield return new TestCaseData(new SqliteException("UNIQUE constraint failed", 19), false).SetName("SQLite CONSTRAINT is a bug");
        yield return new TestCaseData(new SqliteException("near \"x\": syntax error", 1), false).SetName("SQLite ERROR is a bug");
        yield return new TestCaseData(new PostgresException("could not extend file", "ERROR", "ERROR", "53100"), true).SetName("PostgreSQL disk full");
        yield return new TestCaseData(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01"), true).SetName("PostgreSQL admin shutdown");
        yield return new TestCaseData(new PostgresException("database is not accepting connections", "FATAL", "FATAL", "55000"), true).SetName("PostgreSQL FATAL of another class");
        yield return new TestCaseData(new PostgresException("cannot execute INSERT in a read-only transaction", "ERROR", "ERROR", "25006"), true).SetName("PostgreSQL read-only standby");
        yield return new TestCaseData(new PostgresException("connection failure", "ERROR", "ERROR", "08006"), true).SetName("PostgreSQL connection exception");
        yield return new TestCaseData(new PostgresException("duplicate key value", "ERROR", "ERROR", "23505"), false).SetName("PostgreSQL unique violation is a bug");
        yield return new TestCaseData(new PostgresException("column does not exist", "ERROR", "ERROR", "42703"), false).SetName("PostgreSQL undefined column is a bug");
        yield return new TestCaseData(new NpgsqlException("Exception while reading from stream", new IOException("broken pipe")), true).SetName("Npgsql broken connection");
        yield return new TestCaseData(new InvalidOperationException("wrapped", new NpgsqlException("Timeout during reading attempt", new TimeoutException())), true).SetName("A wrapped Npgsql timeout");
        yield return new TestCaseData(new TimeoutException("a webhook receiver"), false).SetName("A timeout that is not the store's");
        yield return new TestCaseData(new IOException("Unexpected end of request content."), false).SetName("An I/O error that is not the store's");
        yield return new TestCaseData(new InvalidOperationException("a bug"), false).SetName("Anything else is a bug");
    }

    [TestCaseSource(nameof(Cases))]
    public void Classifies(Exception exception, bool outage) => Assert.That(StoreOutage.Is(exception), Is.EqualTo(outage));

    [Test]
    public void The_reason_is_the_store_s_message_on_one_line()
    {
        var e = new InvalidOperationException("outer", new SqliteException("database or disk is full\nmore", 13));
        Assert.That(StoreOutage.Describe(e), Is.EqualTo("database or disk is full more"));
    }
}

/// <summary>The monitor logs an outage once when it starts and once when writes have gone a quiet period without failing.</summary>
[TestFixture]
public sealed class StoreOutageMonitorTests
{
    private static readonly Exception Full = new SqliteException("database or disk is full", 13);

    [Test]
    public void An_outage_starts_at_the_first_failure_and_ends_at_the_first_success_after_the_quiet_period()
    {
        var (monitor, time, capture) = Create();
        monitor.WriteSucceeded();
        Assert.That(monitor.Failing, Is.False);

        Assert.That(monitor.WriteFailed(Full), Is.True, "a full disk is an outage");
        monitor.Refused(Full);
        Assert.That(monitor.WriteFailed(Full), Is.True);
        Assert.Multiple(() =>
        {
            Assert.That(monitor.Failing, Is.True);
            Assert.That(monitor.Reason, Is.EqualTo("database or disk is full"));
        });

        // A small write that still fits, between large ones that fail: not the end of the outage.
        time.Advance(TimeSpan.FromSeconds(1));
        monitor.WriteSucceeded();
        Assert.That(monitor.Failing, Is.True, "a success within the quiet period does not end it");
        time.Advance(TimeSpan.FromSeconds(1));
        monitor.WriteFailed(Full);
        time.Advance(StoreOutageMonitor.QuietPeriod - TimeSpan.FromMilliseconds(1));
        monitor.WriteSucceeded();
        Assert.That(monitor.Failing, Is.True, "the quiet period counts from the last failure");

        time.Advance(TimeSpan.FromMilliseconds(1));
        monitor.WriteSucceeded();
        monitor.WriteSucceeded();
        var lines = capture.Entries.Select(e => e.Message).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(monitor.Failing, Is.False);
            Assert.That(monitor.Reason, Is.Null);
            Assert.That(monitor.LastSuccess, Is.EqualTo(time.GetUtcNow()));
            Assert.That(lines, Has.Length.EqualTo(2), string.Join(" | ", lines));
            Assert.That(lines[0], Does.Contain("unavailable (database or disk is full)"));
            Assert.That(lines[1], Does.Contain("available again after 7.0 s: 3 writes failed and 1 requests were refused (error 1504)"));
        });
    }

    [Test]
    public void A_failure_that_is_a_bug_is_not_an_outage()
    {
        var (monitor, _, capture) = Create();
        Assert.Multiple(() =>
        {
            Assert.That(monitor.WriteFailed(new InvalidOperationException("a bug")), Is.False, "the caller logs it as an error");
            Assert.That(monitor.Failing, Is.False);
            Assert.That(capture.Entries, Is.Empty);
        });
    }

    private static (StoreOutageMonitor Monitor, FakeTimeProvider Time, CapturingLoggerProvider Capture) Create()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var capture = new CapturingLoggerProvider();
        var logger = new Logger<StoreOutageMonitor>(new LoggerFactory([capture]));
        return (new StoreOutageMonitor(time, logger), time, capture);
    }
}
