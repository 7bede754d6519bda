using System.Globalization;
using System.Text.Json;
using Lisoloo.Sdk.Webhooks;
using Lisoloo.Server.Tests.Cli;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Lisoloo.TestSupport.Smsc;
using Microsoft.Data.Sqlite;

namespace Lisoloo.Server.Tests.Durability;

/// <summary>
/// The server as a separate process bound to the Node SMSC (npm <c>smpp</c>), killed with SIGKILL while submit_sm
/// PDUs are outstanding, then restarted on the same SQLite file. Counted at the SMSC: every accepted recipient
/// reaches it, and the only recipients it sees twice are ones the database had not recorded as acknowledged when the
/// process died (the documented at-least-once edge). Every final webhook arrives, repeats keep their event id, and
/// the money adds up.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SmppCrashTests
{
    private const int Requests = 20;
    private const int RecipientsPerRequest = 100;
    private const int Total = Requests * RecipientsPerRequest;
    private const int Window = 10;
    private const decimal OpeningBalance = SmppCrashHarness.OpeningBalance;
    private const decimal UnitPrice = SmppCrashHarness.UnitPrice;

    private static readonly TimeSpan ProcessDeadline = SmppCrashHarness.ProcessDeadline;
    private static readonly TimeSpan DeliveryDeadline = TimeSpan.FromSeconds(90);

    private string _root = null!;
    private NodeSmsc _smsc = null!;
    private WebhookReceiver _hooks = null!;

    private string DataDirectory => Path.Combine(_root, "data");

    [SetUp]
    public async Task StartPeersAsync()
    {
        _root = Path.Combine(Path.GetTempPath(), "lisoloo-smpp-crash", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _smsc = await NodeSmsc.StartAsync();
        _hooks = await WebhookReceiver.StartAsync();
    }

    [TearDown]
    public async Task StopPeersAsync()
    {
        await _smsc.DisposeAsync();
        await _hooks.DisposeAsync();
        TestFolders.Delete(_root);
    }

    [Test]
    public async Task A_SIGKILL_mid_window_loses_nothing_and_repeats_only_what_was_not_recorded_as_acknowledged()
    {
        var (apiKey, secret) = await CreateLiveKeyAsync();
        var recipients = Enumerable.Range(0, Total).Select(i => "+2438100" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
        var messageIds = new List<string>();

        // Answers 20 ms late: with a window of 10 the link carries ~500 submits a second, and at any instant up to 10
        // PDUs the SMSC has taken (and will count) have no submit_sm_resp yet — a real network's in-flight edge.
        await _smsc.ConfigureAsync(new { responseDelayMs = 20 });
        HashSet<string> unrecordedAtKill;
        await using (var first = await StartServerAsync())
        {
            for (var r = 0; r < Requests; r++)
            {
                var to = recipients.Skip(r * RecipientsPerRequest).Take(RecipientsPerRequest);
                var (status, json) = await first.PostJsonAsync("send", apiKey, JsonSerializer.Serialize(new { to, message = "Crash over SMPP " + r }));
                Assert.That(status, Is.EqualTo(201), json.ToString());
                messageIds.Add(json.GetProperty("data").GetProperty("message_id").GetString()!);
            }

            await _smsc.WaitForAsync(s => s.Accepted >= Total * 2 / 5, ProcessDeadline);
            first.Kill();
        }

        var states = string.Join(", ", Rows("SELECT state, COUNT(*) FROM deliveries GROUP BY state ORDER BY 1").Select(r => $"{r[0]} {r[1]}"));
        unrecordedAtKill = Rows("SELECT recipient FROM deliveries WHERE state IN ('pending','queued','processing')").Select(r => (string)r[0]).ToHashSet();
        var atKill = await _smsc.GetStatsAsync();
        TestContext.Out.WriteLine($"At the kill: the SMSC had taken {atKill.Accepted} submits; the database had {states}.");
        Assume.That(unrecordedAtKill, Has.Count.InRange(1, Total - 1), "the kill must land mid-run for this test to mean anything");

        await _smsc.ConfigureAsync(new { responseDelayMs = (int?)null });
        await using (var second = await StartServerAsync())
        {
            await Wait.UntilAsync(async () =>
            {
                foreach (var id in messageIds)
                {
                    var (status, json) = await second.GetJsonAsync("status/" + id, apiKey);
                    Assert.That(status, Is.EqualTo(200), json.ToString());
                    var counts = json.GetProperty("data").GetProperty("counts");
                    if (!counts.TryGetProperty("delivered", out var delivered) || delivered.GetInt32() != RecipientsPerRequest)
                    {
                        return false;
                    }
                }

                return true;
            }, DeliveryDeadline, $"all {Total} recipients delivered after the restart", TimeSpan.FromMilliseconds(250));

            await Wait.UntilAsync(() => Task.FromResult(DeliveredWebhooks().Select(e => e.To).Distinct().Count() == Total),
                DeliveryDeadline, "a delivered webhook for every recipient", TimeSpan.FromMilliseconds(100));
            await second.StopAsync(ProcessDeadline);
            Assert.That(second.ExitCode, Is.Zero, "a clean stop on SIGTERM:\n" + second.Output);
        }

        // Counted at the SMSC.
        var seen = (await _smsc.GetMessagesAsync()).GroupBy(m => "+" + m.Destination).ToDictionary(g => g.Key, g => g.Count());
        var repeated = seen.Where(s => s.Value > 1).Select(s => s.Key).ToList();
        TestContext.Out.WriteLine($"The SMSC took {seen.Values.Sum()} submits for {Total} recipients: {repeated.Count} recipients twice " +
            $"(window {Window}; {unrecordedAtKill.Count} deliveries were unrecorded at the kill).");
        Assert.Multiple(() =>
        {
            Assert.That(seen.Keys, Is.EquivalentTo(recipients), "every accepted recipient reached the SMSC, and nothing else did");
            Assert.That(seen.Values.Max(), Is.LessThanOrEqualTo(2), "no recipient submitted more than once again");
            Assert.That(repeated, Is.SubsetOf(unrecordedAtKill), "a recipient recorded as acknowledged is never submitted again");
            Assert.That(repeated, Has.Count.LessThanOrEqualTo(Window), "at most the window (parts on the wire without a stored outcome) is repeated");
        });

        // Webhooks: one per recipient, and a repeat (crash boundary) always carries the same event id.
        var hooks = DeliveredWebhooks();
        var verifier = new WebhookVerifier([secret]);
        Assert.Multiple(() =>
        {
            Assert.That(hooks.Select(h => h.To).Distinct().Count(), Is.EqualTo(Total));
            foreach (var g in hooks.GroupBy(h => h.To).Where(g => g.Count() > 1))
            {
                Assert.That(g.Select(h => h.EventId).Distinct().Count(), Is.EqualTo(1), $"repeats for {g.Key} keep their event id");
            }

            var sample = _hooks.Received[0];
            Assert.That(verifier.VerifyAndParse(sample.Headers, sample.Body).Type, Is.EqualTo(WebhookEventType.SmsDelivered), "signed with the key's secret");
        });

        // The file after a clean stop: every recipient delivered once, and money that adds up.
        Assert.That(Rows("SELECT state, COUNT(*) FROM deliveries GROUP BY state").Select(r => ((string)r[0], (long)r[1])),
            Is.EqualTo(new[] { ("delivered", (long)Total) }));
        var account = Rows("SELECT balance_micros, reserved_micros FROM accounts").Single();
        var spent = (long)Rows("SELECT COALESCE(SUM(amount_micros), 0) FROM ledger_entries WHERE kind = 'spend'").Single()[0];
        var refunded = (long)Rows("SELECT COALESCE(SUM(amount_micros), 0) FROM ledger_entries WHERE kind = 'refund'").Single()[0];
        const long Micros = 1_000_000;
        Assert.Multiple(() =>
        {
            Assert.That(account[0], Is.EqualTo((long)(OpeningBalance * Micros) - (Total * (long)(UnitPrice * Micros))), "balance");
            Assert.That(account[1], Is.EqualTo(0L), "nothing stays reserved");
            Assert.That(spent, Is.EqualTo(Total * (long)(UnitPrice * Micros)), "each recipient spent exactly once, repeats included");
            Assert.That(refunded, Is.Zero);
        });
    }

    [Test]
    public async Task A_graceful_restart_sends_what_was_waiting_at_once_and_nothing_twice()
    {
        // Window 1 and answers 300 ms late: when SIGTERM comes most messages are still waiting for the window. None of
        // them went out, so they are due again at once after the restart, not after the retry delay (10 min here).
        var (apiKey, _) = await CreateLiveKeyAsync();
        var environment = SmppCrashHarness.ServerEnvironment(_smsc, 1, new Dictionary<string, string>
        {
            ["Lisoloo__Workers__RetryDelay"] = "00:10:00",
            ["Lisoloo__Workers__Lease"] = "00:00:10", // a loaded machine may take seconds to bind after the restart: half a lease is the wait for it
        });
        var recipients = Enumerable.Range(0, 20).Select(i => "+2438200" + i.ToString("D5", CultureInfo.InvariantCulture)).ToList();
        await _smsc.ConfigureAsync(new { responseDelayMs = 300 });
        string messageId;
        var firstOutput = string.Empty;
        await using (var first = await ServerProcess.StartAsync(DataDirectory, environment, ProcessDeadline))
        {
            var (status, json) = await first.PostJsonAsync("send", apiKey, JsonSerializer.Serialize(new { to = recipients, message = "Rolling restart" }));
            Assert.That(status, Is.EqualTo(201), json.ToString());
            messageId = json.GetProperty("data").GetProperty("message_id").GetString()!;
            await _smsc.WaitForAsync(s => s.Accepted >= 2, ProcessDeadline);
            await first.StopAsync(ProcessDeadline);
            Assert.That(first.ExitCode, Is.Zero, "a clean stop on SIGTERM:\n" + first.Output);
            firstOutput = first.Output;
        }

        var sentBeforeRestart = (await _smsc.GetMessagesAsync()).Count;
        Assume.That(sentBeforeRestart, Is.LessThan(recipients.Count), "the stop must land while messages wait for the window");
        await _smsc.ConfigureAsync(new { responseDelayMs = (int?)null });
        await using (var second = await ServerProcess.StartAsync(DataDirectory, environment, ProcessDeadline))
        {
            try
            {
                await Wait.UntilAsync(async () =>
                {
                    var (status, json) = await second.GetJsonAsync("status/" + messageId, apiKey);
                    Assert.That(status, Is.EqualTo(200), json.ToString());
                    return json.GetProperty("data").GetProperty("counts").TryGetProperty("delivered", out var delivered) && delivered.GetInt32() == recipients.Count;
                }, TimeSpan.FromSeconds(30), "every recipient delivered soon after the restart (well before the 10 min retry delay)", TimeSpan.FromMilliseconds(200));
            }
            catch (TimeoutException)
            {
                var rows = Rows("SELECT recipient, state, due_at, attempts, error_message FROM deliveries WHERE state <> 'delivered'");
                TestContext.Out.WriteLine("Not delivered: " + string.Join("; ", rows.Select(r => string.Join(" ", r))) + "\nfirst run:\n" + firstOutput + "\nsecond run:\n" + second.Output);
                throw;
            }
        }

        var submitted = (await _smsc.GetMessagesAsync()).Select(m => "+" + m.Destination).ToList();
        TestContext.Out.WriteLine($"{sentBeforeRestart} submitted before the stop, {submitted.Count - sentBeforeRestart} after the restart.");
        Assert.That(submitted, Is.EquivalentTo(recipients), "each recipient submitted exactly once across a graceful restart");
    }

    private List<(string To, string EventId)> DeliveredWebhooks() => SmppCrashHarness.DeliveredWebhooks(_hooks);

    private Task<(string ApiKey, string Secret)> CreateLiveKeyAsync() => SmppCrashHarness.CreateLiveKeyAsync(DataDirectory, null, _hooks, "smpp-crash");

    private Task<ServerProcess> StartServerAsync() => ServerProcess.StartAsync(DataDirectory, SmppCrashHarness.ServerEnvironment(_smsc, Window), ProcessDeadline);

    private List<object[]> Rows(string sql)
    {
        var path = Path.Combine(DataDirectory, "lisoloo.db");
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        using var reader = cmd.ExecuteReader();
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
