using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Lisoloo.Server.Tests.Cli;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Lisoloo.TestSupport.Smsc;
using Npgsql;

namespace Lisoloo.Server.Tests.Durability;

/// <summary>
/// Three server processes on loopback ports over one PostgreSQL database, each with its own SMPP session to the Node
/// SMSC. Recipients are pushed round-robin through all three, the second node is killed with SIGKILL mid-run and
/// started again. Counted at the SMSC: every accepted recipient arrives, and only deliveries the killed node had put on
/// the wire without their outcome stored arrive twice (at most its window); every final webhook arrives (repeats keep their event
/// id), the money adds up, and a scheduled occurrence due during the run fires once.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class MultiNodeCrashTests
{
    private const int Nodes = 3;
    private const int Requests = 30;
    private const int RecipientsPerRequest = 100;
    private const int Total = Requests * RecipientsPerRequest;
    private const int Window = 10;
    private const string ScheduledRecipient = "+243990000001";

    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(45);

    private string _root = null!;
    private PostgresTestDatabase _database = null!;
    private NodeSmsc _smsc = null!;
    private WebhookReceiver _hooks = null!;
    private Dictionary<string, string> _store = null!;

    [SetUp]
    public async Task StartPeersAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), "lisoloo-multinode-crash", Guid.NewGuid().ToString("N"));
        _database = await PostgresTestDatabase.CreateAsync();
        _smsc = await NodeSmsc.StartAsync();
        _hooks = await WebhookReceiver.StartAsync();
        _store = new Dictionary<string, string>
        {
            ["Lisoloo__Store__Provider"] = "postgres",
            ["Lisoloo__Store__ConnectionString"] = _database.ConnectionString,
            ["Lisoloo__MasterKey"] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)),
        };
    }

    [TearDown]
    public async Task StopPeersAsync()
    {
        await _smsc.DisposeAsync();
        await _hooks.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await _database.DisposeAsync();
        TestFolders.Delete(_root);
    }

    [Test]
    public async Task Three_nodes_one_killed_mid_run_lose_nothing_and_repeat_only_what_the_dead_node_had_in_flight()
    {
        var (apiKey, _) = await SmppCrashHarness.CreateLiveKeyAsync(DataDirectory(0), _store, _hooks, "multinode-crash");
        var recipients = Enumerable.Range(0, Total).Select(i => "+2438100" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
        var nodes = new ServerProcess[Nodes];
        try
        {
            for (var n = 0; n < Nodes; n++)
            {
                nodes[n] = await StartNodeAsync(n);
            }

            // One scheduled send (the API schedules to the minute), moved to fire a few seconds into the run.
            var scheduled = await ScheduleAsync(nodes[0], apiKey);
            await ExecuteAsync("""
                UPDATE occurrences SET due_at = $1 WHERE send_id = (SELECT id FROM sends WHERE message_id = $2);
                UPDATE sends SET first_send_at = $1 WHERE message_id = $2;
                """, TimeProvider.System.GetUtcNow().AddSeconds(2).ToUnixTimeMilliseconds(), scheduled);

            // Answering 20 ms late keeps up to a window of PDUs per node taken by the SMSC but unanswered.
            await _smsc.ConfigureAsync(new { responseDelayMs = 20 });
            for (var r = 0; r < Requests; r++)
            {
                var to = recipients.Skip(r * RecipientsPerRequest).Take(RecipientsPerRequest);
                var (status, json) = await nodes[r % Nodes].PostJsonAsync("send", apiKey, JsonSerializer.Serialize(new { to, message = "Multi-node crash " + r }));
                Assert.That(status, Is.EqualTo(201), json.ToString());
            }

            await _smsc.WaitForAsync(s => s.Accepted >= Total * 2 / 5, SmppCrashHarness.ProcessDeadline);
            var killedPid = nodes[1].Id;
            nodes[1].Kill();
            await nodes[1].DisposeAsync();

            // What the database had not recorded as acknowledged at the kill, what of it the killed node had claimed, and
            // what of that the SMSC had already taken (answered or not): what the crash itself may make the SMSC see twice.
            var unrecorded = (await RowsAsync("SELECT recipient FROM deliveries WHERE state IN ('pending','queued','processing')")).Select(r => (string)r[0]).ToHashSet();
            var claimedAtKill = (await RowsAsync("SELECT recipient, claimed_by FROM deliveries WHERE state = 'processing'"))
                .ToDictionary(r => (string)r[0], r => r[1] as string ?? "?");
            var claimedByKilled = claimedAtKill.Where(c => c.Value.Contains($":{killedPid}:", StringComparison.Ordinal)).Select(c => c.Key).ToHashSet();
            var takenAtKill = await _smsc.GetMessagesAsync();
            var inFlightOnKilled = takenAtKill.Select(m => "+" + m.Destination).Where(claimedByKilled.Contains).ToHashSet();
            TestContext.Out.WriteLine($"At the kill: the SMSC had taken {takenAtKill.Count} submits; {unrecorded.Count} deliveries unrecorded, " +
                $"{claimedByKilled.Count} of them claimed by the killed node, {inFlightOnKilled.Count} of those already taken by the SMSC " +
                $"(window {Window}: the rest are acknowledgements not yet committed).");
            Assume.That(unrecorded, Has.Count.InRange(1, Total - 1), "the kill must land mid-run for this test to mean anything");

            await _smsc.ConfigureAsync(new { responseDelayMs = (int?)null });
            nodes[1] = await StartNodeAsync(1);

            await Wait.UntilAsync(async () => (long)(await RowsAsync("SELECT COUNT(*) FROM deliveries WHERE state = 'delivered'"))[0][0] == Total + 1,
                DeliveryDeadline, $"all {Total + 1} deliveries delivered", TimeSpan.FromMilliseconds(250));
            await Wait.UntilAsync(() => Task.FromResult(SmppCrashHarness.DeliveredWebhooks(_hooks).Select(e => e.To).Distinct().Count() == Total + 1),
                DeliveryDeadline, "a delivered webhook for every recipient", TimeSpan.FromMilliseconds(100));

            for (var n = 0; n < Nodes; n++)
            {
                await nodes[n].StopAsync(SmppCrashHarness.ProcessDeadline);
                Assert.That(nodes[n].ExitCode, Is.Zero, $"node {n + 1} stops cleanly on SIGTERM:\n" + nodes[n].Output);
            }

            // Counted at the SMSC.
            var submits = await _smsc.GetMessagesAsync();
            var seen = submits.GroupBy(m => "+" + m.Destination).ToDictionary(g => g.Key, g => g.Count());
            var repeated = seen.Where(s => s.Value > 1).Select(s => s.Key).ToList();
            TestContext.Out.WriteLine($"The SMSC took {seen.Values.Sum()} submits for {Total + 1} recipients: {repeated.Count} recipients twice " +
                $"(window {Window}; {inFlightOnKilled.Count} taken from the killed node and unrecorded at the kill).");
            var killedSessions = takenAtKill.Where(m => claimedByKilled.Contains("+" + m.Destination)).Select(m => m.Session).ToHashSet();
            var extra = repeated.Where(r => !inFlightOnKilled.Contains(r)).ToList();
            var pairs = extra.Select(r => string.Join("/", submits.Where(m => "+" + m.Destination == r).Select(m => (killedSessions.Contains(m.Session) ? "K" : "") + m.Session)))
                .GroupBy(x => x).Select(g => $"{g.Key}:{g.Count()}");
            var ownersAtKill = extra.GroupBy(r => claimedAtKill.TryGetValue(r, out var owner) ? "claimed by " + owner : unrecorded.Contains(r) ? "waiting" : "recorded")
                .Select(g => $"{g.Key}: {g.Count()}");
            var attempts = await RowsAsync("SELECT attempts, COUNT(*) FROM deliveries GROUP BY 1 ORDER BY 1");
            TestContext.Out.WriteLine($"Repeats outside the killed node's (session {string.Join(",", killedSessions)}) unrecorded submits: {extra.Count} " +
                $"[SMSC sessions per repeat, K = killed: {string.Join(" ", pairs)}; at the kill: {string.Join(", ", ownersAtKill)}]; claims per delivery: {string.Join(", ", attempts.Select(a => $"{a[1]} × {a[0]}"))}.");
            Assert.Multiple(() =>
            {
                Assert.That(seen.Keys, Is.EquivalentTo(recipients.Append(ScheduledRecipient)), "every accepted recipient reached the SMSC, and nothing else did");
                Assert.That(seen.Values.Max(), Is.LessThanOrEqualTo(2), "no recipient submitted more than once again");
                Assert.That(repeated, Is.SubsetOf(unrecorded), "a delivery recorded as acknowledged is never submitted again");
                Assert.That(repeated, Is.SubsetOf(inFlightOnKilled), "only what the killed node had put on the wire unrecorded is repeated");
                Assert.That(repeated, Has.Count.LessThanOrEqualTo(Window), "at most the killed node's window is repeated");
                Assert.That(seen[ScheduledRecipient], Is.EqualTo(1), "the scheduled occurrence reached the SMSC once");
            });

            var hookRepeats = SmppCrashHarness.AssertOneDeliveredWebhookPerRecipient(_hooks, Total + 1);
            TestContext.Out.WriteLine($"Webhooks: {SmppCrashHarness.DeliveredWebhooks(_hooks).Count} sms.delivered for {Total + 1} recipients, {hookRepeats} repeated.");

            var occurrences = await RowsAsync("SELECT o.seq, o.state FROM occurrences o JOIN sends s ON s.id = o.send_id WHERE s.message_id = $1", scheduled);
            var fired = await RowsAsync("SELECT COUNT(*) FROM deliveries d JOIN sends s ON s.id = d.send_id WHERE s.message_id = $1", scheduled);
            Assert.Multiple(() =>
            {
                Assert.That(occurrences.Select(o => ((int)o[0], (string)o[1])), Is.EqualTo(new[] { (1, "released") }));
                Assert.That(fired.Single()[0], Is.EqualTo(1L), "the occurrence fired exactly once");
            });

            await AssertMoneyAsync(Total + 1);
        }
        finally
        {
            foreach (var node in nodes.Where(n => n is not null))
            {
                await node.DisposeAsync();
            }
        }
    }

    private string DataDirectory(int node) => Directory.CreateDirectory(Path.Combine(_root, "node" + node)).FullName;

    /// <summary>
    /// A node on the shared database, with the default batch size: a node claims far more than it can submit within
    /// one lease (4 × 250 rows at a window of 10 and 20 ms per answer is about 2 s of work per batch, queued behind
    /// each other), so only the renewal of its leases keeps the other nodes off rows it still holds. A 5 s lease lets
    /// the dead node's rows be picked up within seconds.
    /// </summary>
    private Task<ServerProcess> StartNodeAsync(int node) =>
        ServerProcess.StartAsync(DataDirectory(node), SmppCrashHarness.ServerEnvironment(_smsc, Window, new Dictionary<string, string>(_store)
        {
            ["Lisoloo__Workers__Lease"] = "00:00:05",
        }), SmppCrashHarness.ProcessDeadline);

    private static async Task<string> ScheduleAsync(ServerProcess server, string apiKey)
    {
        var at = TimeProvider.System.GetUtcNow().AddMinutes(3);
        var body = JsonSerializer.Serialize(new
        {
            to = new[] { ScheduledRecipient },
            message = "Scheduled during the multi-node crash",
            sending_type = "scheduled",
            scheduled_dates = new[] { new { date = at.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), time = at.ToString("HH:mm", CultureInfo.InvariantCulture) } },
        });
        var (status, json) = await server.PostJsonAsync("send", apiKey, body);
        Assert.That(status, Is.EqualTo(201), json.ToString());
        return json.GetProperty("data").GetProperty("message_id").GetString()!;
    }

    /// <summary>The account equals its ledger; each message spent exactly once, nothing reserved or refunded.</summary>
    private async Task AssertMoneyAsync(int messages)
    {
        var account = (await RowsAsync("SELECT balance_micros, reserved_micros FROM accounts WHERE balance_micros > 0 OR reserved_micros > 0")).Single();
        var ledger = (await RowsAsync("""
            SELECT COALESCE(SUM(CASE kind WHEN 'topup' THEN amount_micros WHEN 'refund' THEN amount_micros WHEN 'reserve' THEN -amount_micros ELSE 0 END), 0)::bigint,
                   COALESCE(SUM(CASE kind WHEN 'reserve' THEN amount_micros WHEN 'refund' THEN -amount_micros WHEN 'spend' THEN -amount_micros ELSE 0 END), 0)::bigint,
                   COALESCE(SUM(CASE kind WHEN 'spend' THEN amount_micros ELSE 0 END), 0)::bigint,
                   COALESCE(SUM(CASE kind WHEN 'refund' THEN amount_micros ELSE 0 END), 0)::bigint
            FROM ledger_entries
            """)).Single();
        var unit = (long)(SmppCrashHarness.UnitPrice * SmppCrashHarness.Micros);
        TestContext.Out.WriteLine($"Money: balance {account[0]} µ, reserved {account[1]} µ, spent {ledger[2]} µ for {messages} messages.");
        Assert.Multiple(() =>
        {
            Assert.That(account[0], Is.EqualTo(ledger[0]), "balance = the ledger's");
            Assert.That(account[1], Is.EqualTo(ledger[1]), "reserved = the ledger's");
            Assert.That(account[0], Is.EqualTo((long)(SmppCrashHarness.OpeningBalance * SmppCrashHarness.Micros) - (messages * unit)), "top-up minus what was sent");
            Assert.That(account[1], Is.EqualTo(0L), "nothing stays reserved");
            Assert.That(ledger[2], Is.EqualTo(messages * unit), "each message spent exactly once, repeats included");
            Assert.That(ledger[3], Is.EqualTo(0L), "nothing refunded");
        });
    }

    private async Task ExecuteAsync(string sql, params object[] parameters) => await RowsAsync(sql, parameters);

    private async Task<List<object[]>> RowsAsync(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(_database.ConnectionString);
        await connection.OpenAsync();
        await using var batch = new NpgsqlBatch(connection);
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var command = new NpgsqlBatchCommand(statement);
            foreach (var p in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = p });
            }

            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync();
        var rows = new List<object[]>();
        while (reader.Read())
        {
            var row = new object[reader.FieldCount];
            reader.GetValues(row);
            rows.Add(row);
        }

        return rows;
    }
}
