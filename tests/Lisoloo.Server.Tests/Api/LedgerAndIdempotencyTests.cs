using System.Net;
using System.Text;
using Lisoloo.Sdk;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Api;

/// <summary>Money under concurrency, and one charge per idempotency key.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class LedgerAndIdempotencyTests(StoreKind store)
{
    private TestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await TestServer.StartAsync(new Dictionary<string, string?>
    {
        ["Lisoloo:RateLimits:SendPerMinute"] = "100000",
    }, store: store);

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_server is not null) // null when the provider is not available (an ignored fixture)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task Two_hundred_concurrent_sends_against_a_balance_for_fifty_accept_exactly_fifty()
    {
        var key = await _server.CreateKeyAsync(merchant: "race", balance: 1.00m, unitPrice: 0.02m);
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 64 }) { BaseAddress = _server.Http.BaseAddress };
        var body = "{\"to\":[\"+14155550100\"],\"message\":\"race\"}";
        var tasks = Enumerable.Range(0, 200).Select(async _ =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "send") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Add("app-key", key.ApiKey);
            using var response = await http.SendAsync(request);
            return response.StatusCode;
        }).ToList();
        var statuses = await Task.WhenAll(tasks);

        Assert.Multiple(() =>
        {
            Assert.That(statuses.Count(s => s == HttpStatusCode.Created), Is.EqualTo(50));
            Assert.That(statuses.Count(s => s == HttpStatusCode.PaymentRequired), Is.EqualTo(150));
        });
        // The sandbox keeps turning reserves into spend meanwhile, and the account and the ledger are two reads: compare
        // them once every accepted message has been sent (nothing reserved), when neither can move any more.
        var account = (await _server.Store.GetBalanceAsync("race", "test"))!;
        await Wait.UntilAsync(async () => (account = (await _server.Store.GetBalanceAsync("race", "test"))!).ReservedMicros == 0,
            TimeSpan.FromSeconds(20), "every accepted message sent (its reserve spent)");
        var (ledgerBalance, ledgerReserved) = await _server.Store.LedgerTotalsAsync(account.AccountId);
        Assert.Multiple(() =>
        {
            Assert.That(account.BalanceMicros, Is.Zero);
            Assert.That(ledgerBalance, Is.EqualTo(account.BalanceMicros));
            Assert.That(ledgerReserved, Is.EqualTo(account.ReservedMicros));
        });
    }

    [Test]
    public async Task Insufficient_balance_refuses_the_whole_send_with_required_and_available()
    {
        var key = await _server.CreateKeyAsync(merchant: "poor", balance: 0.03m, unitPrice: 0.02m);
        using var client = _server.Client(key.ApiKey);
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(new SendRequest(["+14155550100", "+14155550101"], "two")));
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Status, Is.EqualTo(402));
            Assert.That(ex.ErrorCode, Is.EqualTo(LisolooErrorCodes.InsufficientBalance));
            Assert.That(ex.RequiredAmount, Is.EqualTo(0.04m));
            Assert.That(ex.AvailableAmount, Is.EqualTo(0.03m));
        });
        Assert.That((await client.GetBalanceAsync()).Value.Balance, Is.EqualTo(0.03m), "nothing debited");
    }

    [Test]
    public async Task Same_idempotency_key_and_body_replays_the_first_response_and_charges_once()
    {
        var key = await _server.CreateKeyAsync(merchant: "idem", balance: 1m);
        var body = "{\"to\":[\"+14155550100\"],\"message\":\"once\"}";
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "order-42" };
        var first = await _server.SendRawAsync(HttpMethod.Post, "send", key.ApiKey, body, headers);
        var second = await _server.SendRawAsync(HttpMethod.Post, "send", key.ApiKey, body, headers);
        var other = await _server.SendRawAsync(HttpMethod.Post, "send", key.ApiKey, body.Replace("once", "twice", StringComparison.Ordinal), headers);

        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(201));
            Assert.That(second.Status, Is.EqualTo(201));
            Assert.That(second.Data.GetProperty("message_id").GetString(), Is.EqualTo(first.Data.GetProperty("message_id").GetString()));
            Assert.That(second.Headers.GetValueOrDefault("Idempotent-Replayed"), Is.EqualTo("true"));
            Assert.That(other.Status, Is.EqualTo(409));
            Assert.That(other.ErrorCode, Is.EqualTo(LisolooErrorCodes.IdempotencyKeyReused));
        });
        Assert.That((await _server.Store.GetBalanceAsync("idem", "test"))!.BalanceMicros, Is.EqualTo(980_000), "one charge of 0.02");
    }

    [Test]
    public async Task Concurrent_duplicates_with_one_idempotency_key_create_one_send()
    {
        var key = await _server.CreateKeyAsync(merchant: "idem-race", balance: 1m);
        var body = "{\"to\":[\"+14155550100\"],\"message\":\"once only\"}";
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "burst-1" };
        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => _server.SendRawAsync(HttpMethod.Post, "send", key.ApiKey, body, headers)));
        Assert.That(results.Select(r => r.Status), Is.All.EqualTo(201));
        Assert.That(results.Select(r => r.Data.GetProperty("message_id").GetString()).Distinct().Count(), Is.EqualTo(1));
        Assert.That((await _server.Store.GetBalanceAsync("idem-race", "test"))!.BalanceMicros, Is.EqualTo(980_000));
    }

    [Test]
    public async Task A_retried_cancel_with_the_same_idempotency_key_replays_its_success()
    {
        var key = await _server.CreateKeyAsync(merchant: "idem-cancel", balance: 1m);
        var sent = await _server.SendRawAsync(HttpMethod.Post, "send", key.ApiKey, "{\"to\":[\"+14155550100\"],\"message\":\"hold\",\"cancel_within\":60}");
        var id = sent.Data.GetProperty("message_id").GetString();
        var headers = new Dictionary<string, string> { ["Idempotency-Key"] = "cancel-1" };
        var first = await _server.SendRawAsync(HttpMethod.Delete, "cancel/" + id, key.ApiKey, headers: headers);
        var retry = await _server.SendRawAsync(HttpMethod.Delete, "cancel/" + id, key.ApiKey, headers: headers);
        var fresh = await _server.SendRawAsync(HttpMethod.Delete, "cancel/" + id, key.ApiKey);
        Assert.Multiple(() =>
        {
            Assert.That(first.Status, Is.EqualTo(200));
            Assert.That(retry.Status, Is.EqualTo(200));
            Assert.That(retry.Body, Is.EqualTo(first.Body));
            Assert.That(fresh.ErrorCode, Is.EqualTo(LisolooErrorCodes.CannotCancel));
        });
        Assert.That((await _server.Store.GetBalanceAsync("idem-cancel", "test"))!.BalanceMicros, Is.EqualTo(1_000_000), "refunded exactly once");
    }
}
