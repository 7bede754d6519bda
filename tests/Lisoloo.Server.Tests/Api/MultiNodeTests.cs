using System.Collections.Concurrent;
using Lisoloo.Sdk;
using Lisoloo.Server.Carriers;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Server.Tests.Api;

/// <summary>
/// Three server nodes over one PostgreSQL database, as behind a load balancer: what the contract promises per key holds
/// across them (rate limits, idempotency, the ledger), and a send accepted by one node is worked and reported by all.
/// </summary>
[TestFixture]
public sealed class MultiNodeTests
{
    private const string Body = "{\"to\":[\"+14155550100\"],\"message\":\"round robin\"}";

    private readonly List<TestServer> _nodes = [];

    [TearDown]
    public async Task StopAsync()
    {
        for (var i = _nodes.Count - 1; i >= 0; i--)
        {
            await _nodes[i].DisposeAsync(); // the first node last: it drops the database
        }

        _nodes.Clear();
    }

    private async Task StartNodesAsync(int count, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        _nodes.Add(await TestServer.StartAsync(settings, services, store: StoreKind.Postgres));
        for (var i = 1; i < count; i++)
        {
            _nodes.Add(await TestServer.StartNodeAsync(_nodes[0], settings, services));
        }
    }

    [Test]
    public async Task A_client_round_robined_over_three_nodes_gets_exactly_60_sends_per_minute()
    {
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow()); // one minute that does not end mid-test
        await StartNodesAsync(3, services: s => s.AddSingleton<TimeProvider>(clock));
        var key = await _nodes[0].CreateKeyAsync(merchant: "round-robin", balance: 100m);

        var answers = new List<RawResponse>();
        for (var i = 0; i < 90; i++)
        {
            answers.Add(await _nodes[i % 3].SendRawAsync(HttpMethod.Post, "send", key.ApiKey, Body));
        }

        Assert.Multiple(() =>
        {
            Assert.That(answers.Count(a => a.Status == 201), Is.EqualTo(60));
            Assert.That(answers.Skip(60).Select(a => a.Status), Is.All.EqualTo(429), "the 61st request on, whichever node it reaches");
            Assert.That(answers[59].Headers["X-RateLimit-Remaining"], Is.EqualTo("0"));
        });

        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.That((await _nodes[1].SendRawAsync(HttpMethod.Post, "send", key.ApiKey, Body)).Status, Is.EqualTo(201), "a new minute");
    }

    [Test]
    public async Task Concurrent_requests_on_three_nodes_counted_in_groups_still_get_exactly_60()
    {
        // Each node counts a key's concurrent requests together (count + n); every request still gets its own place.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await StartNodesAsync(3, services: s => s.AddSingleton<TimeProvider>(clock));
        var key = await _nodes[0].CreateKeyAsync(merchant: "round-robin-burst", balance: 100m);

        var answers = await Task.WhenAll(Enumerable.Range(0, 150).Select(i => _nodes[i % 3].SendRawAsync(HttpMethod.Post, "send", key.ApiKey, Body)));

        var remaining = answers.Where(a => a.Status == 201).Select(a => int.Parse(a.Headers["X-RateLimit-Remaining"], System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(answers.Count(a => a.Status == 201), Is.EqualTo(60));
            Assert.That(answers.Count(a => a.Status == 429), Is.EqualTo(90));
            Assert.That(remaining, Is.EquivalentTo(Enumerable.Range(0, 60)), "each accepted request took its own place in the window");
        });
    }

    [Test]
    public async Task One_idempotency_key_sent_to_three_nodes_at_once_creates_one_send_and_one_charge()
    {
        await StartNodesAsync(3);
        var key = await _nodes[0].CreateKeyAsync(merchant: "idem-nodes", balance: 1m);
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "across-nodes" };

        var results = await Task.WhenAll(Enumerable.Range(0, 30).Select(i => _nodes[i % 3].SendRawAsync(HttpMethod.Post, "send", key.ApiKey, Body, headers)));

        Assert.Multiple(async () =>
        {
            Assert.That(results.Select(r => r.Status), Is.All.EqualTo(201));
            Assert.That(results.Select(r => r.Data.GetProperty("message_id").GetString()).Distinct().Count(), Is.EqualTo(1), "one response");
            Assert.That(results.Count(r => !r.Headers.ContainsKey("Idempotent-Replayed")), Is.EqualTo(1), "one of them stored it");
            Assert.That((await _nodes[2].Store.GetBalanceAsync("idem-nodes", "test"))!.BalanceMicros, Is.EqualTo(980_000), "charged once");
        });
    }

    [Test]
    public async Task A_send_accepted_by_one_node_is_delivered_reported_by_every_node_and_each_event_posted_once()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await StartNodesAsync(3, new Dictionary<string, string?> { ["Lisoloo:RateLimits:StatusPerMinute"] = "10000" });
        var key = await _nodes[0].CreateKeyAsync(merchant: "spread", balance: 10m, webhookUrl: receiver.Url("spread").AbsoluteUri);
        var recipients = Enumerable.Range(0, 20).Select(i => $"+141555501{i:00}").ToList();

        using var client = _nodes[1].Client(key.ApiKey);
        var sent = await client.SendAsync(new SendRequest(recipients, "Worked by any node"));
        using var elsewhere = _nodes[2].Client(key.ApiKey);
        await Wait.UntilAsync(async () => (await elsewhere.GetStatusAsync(sent.Value.MessageId)).Value.Status == SmsStatus.Delivered,
            TimeSpan.FromSeconds(30), "delivered, seen from another node");
        await Wait.UntilAsync(() => receiver.Received.Count >= 80, TimeSpan.FromSeconds(30), "queued, processing, sent, delivered per recipient");

        var balance = (await _nodes[0].Client(key.ApiKey).GetBalanceAsync()).Value;
        Assert.Multiple(() =>
        {
            Assert.That(receiver.Received.Select(r => r.EventId).Distinct().Count(), Is.EqualTo(80), "each event posted once across the nodes");
            Assert.That(receiver.Received, Has.Count.EqualTo(80));
            Assert.That((balance.Balance, balance.Reserved), Is.EqualTo((9.6m, 0m)), "20 SMS spent, nothing left reserved");
        });
    }

    [Test]
    public async Task A_node_that_stops_mid_submit_leaves_its_deliveries_to_another_node_once_the_lease_ends()
    {
        await using var database = await PostgresTestDatabase.CreateAsync();
        var masterKey = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        var settings = new Dictionary<string, string?> { ["Lisoloo:LiveCarrier"] = "route", ["Lisoloo:Workers:Lease"] = "00:00:01" };
        var stuck = new HangingCarrier();
        var healthy = new AnsweringCarrier();

        var dying = await TestServer.StartOnDatabaseAsync(database, masterKey, settings, s => s.AddSingleton<ICarrier>(stuck));
        var key = await dying.CreateKeyAsync(merchant: "takeover", environment: "live", balance: 1m, unitPrice: 0.1m);
        using (var client = dying.Client(key.ApiKey))
        {
            await client.SendAsync(new SendRequest(["+14155550100", "+14155550101"], "Survives its node"));
        }

        await Wait.UntilAsync(() => stuck.Received.Count == 2, TimeSpan.FromSeconds(20), "the first node claimed both and is submitting");
        await dying.DisposeAsync(); // stops with the submit unanswered: the rows keep their lease

        await using var survivor = await TestServer.StartOnDatabaseAsync(database, masterKey, settings, s => s.AddSingleton<ICarrier>(healthy));
        await Wait.UntilAsync(async () => (await survivor.Store.GetBalanceAsync("takeover", "live"))!.ReservedMicros == 0, TimeSpan.FromSeconds(20),
            "the other node submitted them after the lease");

        var account = (await survivor.Store.GetBalanceAsync("takeover", "live"))!;
        Assert.Multiple(async () =>
        {
            Assert.That(healthy.Received.OrderBy(x => x), Is.EqualTo(new[] { "+14155550100", "+14155550101" }), "each taken over once");
            Assert.That((account.BalanceMicros, account.ReservedMicros), Is.EqualTo((800_000L, 0L)), "spent once");
            Assert.That(await survivor.Store.LedgerTotalsAsync(account.AccountId), Is.EqualTo((800_000L, 0L)));
        });
    }

    /// <summary>A live route that takes the batch and never answers (a node dying mid-submit).</summary>
    private sealed class HangingCarrier : ICarrier
    {
        public ConcurrentBag<string> Received { get; } = [];

        public string Name => "route";

        public bool IsReady => true;

        public string Describe() => "never answers";

        public IReadOnlyList<Task<SubmitResult>> Submit(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken) =>
            CarrierBatch.Each(SubmitBatchAsync(batch, cancellationToken), batch.Count);

        private async Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken)
        {
            foreach (var d in batch)
            {
                Received.Add(d.Recipient);
            }

            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    /// <summary>A live route that accepts everything.</summary>
    private sealed class AnsweringCarrier : ICarrier
    {
        public ConcurrentBag<string> Received { get; } = [];

        public string Name => "route";

        public bool IsReady => true;

        public string Describe() => "answers";

        public IReadOnlyList<Task<SubmitResult>> Submit(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken) =>
            CarrierBatch.Each(SubmitBatchAsync(batch, cancellationToken), batch.Count);

        private Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken)
        {
            foreach (var d in batch)
            {
                Received.Add(d.Recipient);
            }

            return Task.FromResult<IReadOnlyList<SubmitResult>>(batch.Select(d => new SubmitResult(d.DeliveryId, true, "ref-" + d.DeliveryId, null, null, null, 0)).ToList());
        }
    }
}
