using System.Globalization;
using System.Text.Json;
using Lisoloo.Server.Tests.Cli;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Tests.Durability;

/// <summary>
/// The server as a separate process, killed with SIGKILL while messages are in flight, then restarted on the same
/// SQLite file: every accepted message is delivered exactly once, schedules survive, and the balance is the ledger's.
/// </summary>
[TestFixture]
public sealed class CrashRecoveryTests
{
    private const int Messages = 50;
    private const decimal OpeningBalance = 10m;
    private const decimal UnitPrice = 0.01m;

    private static readonly TimeSpan ProcessDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(30);

    private string _root = null!;

    private string DataDirectory => Path.Combine(_root, "data");

    private string DatabasePath => Path.Combine(DataDirectory, "lisoloo.db");

    [SetUp]
    public void CreateFolder()
    {
        _root = Path.Combine(Path.GetTempPath(), "lisoloo-crash-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
    }

    [TearDown]
    public void DeleteFolder()
    {
        TestFolders.Delete(_root);
    }

    [Test]
    public async Task Immediate_sends_in_flight_at_a_SIGKILL_are_delivered_exactly_once_after_a_restart()
    {
        var apiKey = await CreateKeyAsync();
        var sent = new Dictionary<string, string>(StringComparer.Ordinal); // message id → recipient

        await using (var first = await StartServerAsync(TimeSpan.FromSeconds(2)))
        {
            for (var i = 0; i < Messages; i++)
            {
                var to = "+1415555" + i.ToString("D4", CultureInfo.InvariantCulture);
                // Every other message is held 2 s before hand-off (the cancel window), so the kill finds some still
                // pending for the dispatcher and the others sent, awaiting their receipt.
                var body = i % 2 == 0
                    ? JsonSerializer.Serialize(new { to = new[] { to }, message = "Crash test " + i })
                    : JsonSerializer.Serialize(new { to = new[] { to }, message = "Crash test " + i, cancel_within = 2 });
                var (status, json) = await first.PostJsonAsync("send", apiKey, body);
                Assert.That(status, Is.EqualTo(201), json.ToString());
                sent[json.GetProperty("data").GetProperty("message_id").GetString()!] = to;
            }

            first.Kill();
        }

        // Hand-offs and receipts were 2 s out when the process died: the crash caught messages between acceptance and delivery.
        var inFlight = Scalar("SELECT COUNT(*) FROM deliveries WHERE state <> 'delivered'");
        var states = string.Join(", ", Rows("SELECT state, COUNT(*) FROM deliveries GROUP BY state").Select(r => $"{r[0]} {r[1]}"));
        TestContext.Out.WriteLine($"{inFlight} of {Messages} deliveries were in flight at the kill ({states}).");
        Assume.That(inFlight, Is.Positive, "the kill must catch messages in flight for this test to mean anything");

        await using (var second = await StartServerAsync(TimeSpan.FromMilliseconds(50)))
        {
            var waiting = new HashSet<string>(sent.Keys, StringComparer.Ordinal);
            await Wait.UntilAsync(async () =>
            {
                foreach (var messageId in waiting.ToList())
                {
                    var (status, json) = await second.GetJsonAsync("status/" + messageId, apiKey);
                    Assert.That(status, Is.EqualTo(200), json.ToString());
                    if (json.GetProperty("data").GetProperty("status").GetString() == "delivered")
                    {
                        waiting.Remove(messageId);
                    }
                }

                return waiting.Count == 0;
            }, DeliveryDeadline, "every message delivered after the restart", TimeSpan.FromMilliseconds(100));

            foreach (var (messageId, to) in sent)
            {
                var (_, json) = await second.GetJsonAsync("status/" + messageId, apiKey);
                var data = json.GetProperty("data");
                var recipients = data.GetProperty("recipients").EnumerateArray().ToList();
                Assert.Multiple(() =>
                {
                    Assert.That(recipients, Has.Count.EqualTo(1), messageId);
                    Assert.That(recipients[0].GetProperty("to").GetString(), Is.EqualTo(to));
                    Assert.That(recipients[0].GetProperty("status").GetString(), Is.EqualTo("delivered"));
                    Assert.That(data.GetProperty("counts").GetProperty("delivered").GetInt32(), Is.EqualTo(1));
                    Assert.That(data.GetProperty("counts").EnumerateObject().Count(), Is.EqualTo(1), "no other state is counted");
                    Assert.That(data.GetProperty("refunded_amount").GetDecimal(), Is.Zero);
                });
            }

            await second.StopAsync(ProcessDeadline);
            Assert.That(second.ExitCode, Is.Zero, "a clean stop on SIGTERM:\n" + second.Output);
            Assert.That(second.Output, Does.Not.Contain("fail:").And.Not.Contain("crit:"), "no error logged while recovering");
        }

        // The file, read-only after a clean stop: one delivery row per recipient, each delivered once, and money that adds up.
        var rows = Rows("""
            SELECT s.message_id, d.recipient, d.state, d.seq, (d.final_at IS NOT NULL AND d.state = 'delivered')
            FROM deliveries d JOIN sends s ON s.id = d.send_id
            """);
        Assert.That(rows, Has.Count.EqualTo(Messages), "one delivery row per accepted message");
        Assert.Multiple(() =>
        {
            Assert.That(rows.Select(r => (string)r[0]), Is.EquivalentTo(sent.Keys), "each message has exactly one row");
            foreach (var r in rows)
            {
                Assert.That(r[1], Is.EqualTo(sent[(string)r[0]]));
                Assert.That(r[2], Is.EqualTo("delivered"));
                Assert.That(r[3], Is.EqualTo(1L));
                Assert.That(r[4], Is.EqualTo(1L), "a delivered timestamp");
            }
        });
        AssertMoney(spentMessages: Messages, reservedMessages: 0);
    }

    [Test]
    public async Task A_scheduled_send_due_just_after_a_SIGKILL_fires_exactly_once_after_the_restart()
    {
        var apiKey = await CreateKeyAsync();
        var now = TimeProvider.System.GetUtcNow();
        var soonSlot = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, 0, TimeSpan.Zero).AddMinutes(2);
        var laterSlot = soonSlot.AddDays(1);
        string dueSoon;
        string dueLater;

        await using (var first = await StartServerAsync(TimeSpan.FromSeconds(2)))
        {
            dueSoon = await ScheduleAsync(first, apiKey, "+14155550001", soonSlot);
            dueLater = await ScheduleAsync(first, apiKey, "+14155550002", laterSlot);
            first.Kill();
        }

        Assert.That(Scalar("SELECT COUNT(*) FROM deliveries"), Is.Zero, "nothing was released before the kill");

        // The API schedules to the minute. Moving the stored due time of one send to 2 s from now stands in for the
        // clock reaching it while the server is down, so the test takes seconds instead of up to two minutes.
        var dueAt = TimeProvider.System.GetUtcNow().AddSeconds(2).ToUnixTimeMilliseconds();
        using (var connection = Open(SqliteOpenMode.ReadWrite))
        {
            using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                UPDATE occurrences SET due_at = @due WHERE send_id = (SELECT id FROM sends WHERE message_id = @m);
                UPDATE sends SET first_send_at = @due WHERE message_id = @m;
                """;
            cmd.Parameters.AddWithValue("@due", dueAt);
            cmd.Parameters.AddWithValue("@m", dueSoon);
            cmd.ExecuteNonQuery();
        }

        await using (var second = await StartServerAsync(TimeSpan.FromMilliseconds(50)))
        {
            await Wait.UntilAsync(async () =>
            {
                var (status, json) = await second.GetJsonAsync("status/" + dueSoon, apiKey);
                Assert.That(status, Is.EqualTo(200), json.ToString());
                return json.GetProperty("data").GetProperty("status").GetString() == "delivered";
            }, DeliveryDeadline, "the scheduled send delivered after the restart", TimeSpan.FromMilliseconds(100));

            var (_, later) = await second.GetJsonAsync("status/" + dueLater, apiKey);
            Assert.That(later.GetProperty("data").GetProperty("status").GetString(), Is.EqualTo("scheduled"), "the other schedule is untouched");
            await second.StopAsync(ProcessDeadline);
            Assert.That(second.ExitCode, Is.Zero, "a clean stop on SIGTERM:\n" + second.Output);
            Assert.That(second.Output, Does.Not.Contain("fail:").And.Not.Contain("crit:"), "no error logged while recovering");
        }

        var occurrences = Rows("SELECT s.message_id, o.seq, o.state FROM occurrences o JOIN sends s ON s.id = o.send_id ORDER BY o.due_at");
        var deliveries = Rows("SELECT s.message_id, d.recipient, d.state, d.seq FROM deliveries d JOIN sends s ON s.id = d.send_id");
        Assert.Multiple(() =>
        {
            Assert.That(occurrences.Select(o => ((string)o[0], (long)o[1], (string)o[2])), Is.EqualTo(new[]
            {
                (dueSoon, 1L, "released"),
                (dueLater, 1L, "scheduled"),
            }));
            Assert.That(deliveries, Has.Count.EqualTo(1), "fired exactly once");
            Assert.That(deliveries.Single(), Is.EqualTo(new object[] { dueSoon, "+14155550001", "delivered", 1L }));
        });
        AssertMoney(spentMessages: 1, reservedMessages: 1);
    }

    private static async Task<string> ScheduleAsync(ServerProcess server, string apiKey, string to, DateTimeOffset at)
    {
        var body = JsonSerializer.Serialize(new
        {
            to = new[] { to },
            message = "Scheduled crash test",
            sending_type = "scheduled",
            scheduled_dates = new[]
            {
                new
                {
                    date = at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                    time = at.ToString("HH:mm", CultureInfo.InvariantCulture),
                },
            },
        });
        var (status, json) = await server.PostJsonAsync("send", apiKey, body);
        Assert.That(status, Is.EqualTo(201), json.ToString());
        Assert.That(json.GetProperty("data").GetProperty("status").GetString(), Is.EqualTo("scheduled"));
        return json.GetProperty("data").GetProperty("message_id").GetString()!;
    }

    /// <summary>The account row equals what its ledger says, the spend is exactly what was delivered, nothing was refunded.</summary>
    private void AssertMoney(int spentMessages, int reservedMessages)
    {
        var account = Rows("SELECT balance_micros, reserved_micros FROM accounts").Single();
        var ledger = Rows("""
            SELECT COALESCE(SUM(CASE kind WHEN 'topup' THEN amount_micros WHEN 'refund' THEN amount_micros WHEN 'reserve' THEN -amount_micros ELSE 0 END), 0),
                   COALESCE(SUM(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'refund' THEN -amount_micros WHEN 'spend' THEN -amount_micros ELSE 0 END), 0),
                   COALESCE(SUM(CASE kind WHEN 'spend' THEN amount_micros ELSE 0 END), 0),
                   COALESCE(SUM(CASE kind WHEN 'refund' THEN amount_micros ELSE 0 END), 0)
            FROM ledger_entries
            """).Single();
        const long Micros = 1_000_000;
        var unit = (long)(UnitPrice * Micros);
        Assert.Multiple(() =>
        {
            Assert.That(account[0], Is.EqualTo(ledger[0]), "balance = the ledger's");
            Assert.That(account[1], Is.EqualTo(ledger[1]), "reserved = the ledger's");
            Assert.That(account[0], Is.EqualTo(((long)(OpeningBalance * Micros)) - ((spentMessages + reservedMessages) * unit)));
            Assert.That(account[1], Is.EqualTo(reservedMessages * unit));
            Assert.That(ledger[2], Is.EqualTo(spentMessages * unit), "each delivered message spent exactly once");
            Assert.That(ledger[3], Is.Zero, "nothing refunded");
        });
    }

    private async Task<string> CreateKeyAsync()
    {
        var result = await ServerProcess.RunAsync(DataDirectory, ProcessDeadline, "keys", "create", "--merchant", "crash", "--env", "test",
            "--balance", OpeningBalance.ToString(CultureInfo.InvariantCulture), "--unit-price", UnitPrice.ToString(CultureInfo.InvariantCulture));
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var doc = JsonDocument.Parse(result.StdOut);
        return doc.RootElement.GetProperty("api_key").GetString()!;
    }

    private Task<ServerProcess> StartServerAsync(TimeSpan deliveryDelay) => ServerProcess.StartAsync(DataDirectory, new Dictionary<string, string>
    {
        ["Lisoloo__Bootstrap__CreateSandboxKey"] = "false",
        ["Lisoloo__Sandbox__DeliveryDelay"] = deliveryDelay.ToString("c", CultureInfo.InvariantCulture),
        ["Lisoloo__Workers__PollInterval"] = "00:00:00.050",

        // A row claimed for hand-off when the process died is claimable again when its lease ends: keep that short.
        ["Lisoloo__Workers__Lease"] = "00:00:02",
        ["Lisoloo__RateLimits__SendPerMinute"] = "10000",
        ["Lisoloo__RateLimits__StatusPerMinute"] = "100000",
    }, ProcessDeadline);

    private SqliteConnection Open(SqliteOpenMode mode)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Mode = mode, Pooling = false }.ToString());
        connection.Open();
        return connection;
    }

    private long Scalar(string sql) => (long)Rows(sql).Single()[0];

    private List<object[]> Rows(string sql)
    {
        using var connection = Open(SqliteOpenMode.ReadOnly);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var r = cmd.ExecuteReader();
        var rows = new List<object[]>();
        while (r.Read())
        {
            var row = new object[r.FieldCount];
            r.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
