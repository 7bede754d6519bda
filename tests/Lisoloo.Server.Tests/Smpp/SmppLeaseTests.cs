using Lisoloo.Sdk;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Lisoloo.TestSupport.Smsc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// Two nodes over one PostgreSQL database and one SMSC (nobody here wrote it): when the lease of a node's batch runs
/// out while the batch still waits for the SMSC's window (as when the node stalls), another node claims those rows and
/// submits them, and the first node gives up what it has not put on the wire yet instead of submitting it too. Only the
/// message that was already on the wire can reach the SMSC twice.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class SmppLeaseTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);
    private NodeSmsc _smsc = null!;

    [SetUp]
    public async Task StartSmscAsync() => _smsc = await NodeSmsc.StartAsync();

    [TearDown]
    public async Task StopSmscAsync() => await _smsc.DisposeAsync();

    [Test]
    public async Task A_node_whose_lease_ran_out_leaves_what_it_has_not_submitted_to_the_node_that_claimed_it()
    {
        var capture = new CapturingLoggerProvider();
        await _smsc.ConfigureAsync(new { holdResponses = true });

        // Node A: a window of one, a short lease, one batch at a time (so it cannot claim the rows again while its batch
        // holds them: the situation is another node taking them), and no poll of its own.
        var settingsOfA = Settings(lease: "00:00:03", poll: "00:10:00");
        settingsOfA["Lisoloo:Workers:SubmitConcurrency"] = "1";
        await using var a = await TestServer.StartAsync(settingsOfA, s => s.AddSingleton<ILoggerProvider>(capture), store: StoreKind.Postgres);
        var key = await a.CreateKeyAsync(merchant: "lease", environment: "live", balance: 1m, unitPrice: 0.1m);
        using var client = a.Client(key.ApiKey);
        var numbers = Enumerable.Range(1, 4).Select(i => $"+24388000000{i}").ToList();
        var sent = await client.SendAsync(new SendRequest(numbers, "Whose is it?"));
        await _smsc.WaitForAsync(s => s.HeldNow == 1, Deadline);

        // A stalls past its lease (ended by hand): its next renewal finds the rows gone.
        var ids = Enumerable.Range(1, 100).Select(i => (long)i).ToList();
        Assert.That(await a.Store.ExtendLeasesAsync(ids, TimeSpan.FromMinutes(-1)), Has.Count.EqualTo(4), "A's four leases ended");
        await Wait.UntilAsync(() => capture.Entries.Any(e => e.Message.Contains("lease of 4 deliveries in flight ran out", StringComparison.Ordinal)), Deadline,
            "A's renewal to find its leases gone");

        // Node B claims the four rows and submits them; then the SMSC answers everything.
        await using var b = await TestServer.StartNodeAsync(a, Settings(lease: "00:00:10", poll: "00:00:00.020"));
        await _smsc.WaitForAsync(s => s.HeldNow == 2, Deadline);
        await _smsc.ConfigureAsync(new { holdResponses = false });
        await _smsc.ReleaseAsync();
        await Wait.UntilAsync(async () => (await client.GetStatusAsync(sent.Value.MessageId)).Value.Recipients.All(r => r.Status == SmsStatus.Delivered),
            Deadline, "all four delivered");

        var submits = (await _smsc.GetMessagesAsync()).GroupBy(m => "+" + m.Destination).ToDictionary(g => g.Key, g => g.Count());
        Assert.Multiple(() =>
        {
            Assert.That(submits.Keys, Is.EquivalentTo(numbers));
            Assert.That(submits.Values.Sum(), Is.EqualTo(5), "four messages, one of them twice: the one A had on the wire when its lease ran out");
            Assert.That(submits.Values.Max(), Is.EqualTo(2));
        });
        Assert.That((await client.GetBalanceAsync()).Value.Balance, Is.EqualTo(0.6m), "each message charged once");
    }

    private Dictionary<string, string?> Settings(string lease, string poll) => new()
    {
        ["Lisoloo:Smpp:Connections:0:Name"] = "node",
        ["Lisoloo:Smpp:Connections:0:Host"] = NodeSmsc.Host,
        ["Lisoloo:Smpp:Connections:0:Port"] = _smsc.SmppPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Lisoloo:Smpp:Connections:0:SystemId"] = _smsc.SystemId,
        ["Lisoloo:Smpp:Connections:0:Password"] = _smsc.Password,
        ["Lisoloo:Smpp:Connections:0:Prefixes:0"] = "+243",
        ["Lisoloo:Smpp:Connections:0:Window"] = "1",
        ["Lisoloo:Smpp:Connections:0:ResponseTimeout"] = "00:00:20",
        ["Lisoloo:Workers:Lease"] = lease,
        ["Lisoloo:Workers:PollInterval"] = poll,
        ["Lisoloo:Workers:RetryDelay"] = "00:00:00.200",
    };
}
