using Lisoloo.Sdk;
using Lisoloo.Server.Tests.Infrastructure;

namespace Lisoloo.Server.Tests.Api;

/// <summary>Test keys never touch the live balance or a live route; messages stay in their environment.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class EnvironmentIsolationTests(StoreKind store)
{
    [Test]
    public async Task Test_and_live_keys_of_one_merchant_keep_balances_routes_and_messages_apart()
    {
        await using var server = await TestServer.StartAsync(store: store);
        var test = await server.CreateKeyAsync(merchant: "both", environment: "test", balance: 5m);
        var live = await server.CreateKeyAsync(merchant: "both", environment: "live", balance: 7m);
        using var testClient = server.Client(test.ApiKey);
        using var liveClient = server.Client(live.ApiKey);

        var sent = await testClient.SendAsync(new SendRequest(["+14155550100"], "sandbox only"));
        Assert.Multiple(async () =>
        {
            Assert.That((await testClient.GetBalanceAsync()).Value.Environment, Is.EqualTo("test"));
            Assert.That((await liveClient.GetBalanceAsync()).Value.Balance, Is.EqualTo(7m), "the live balance is untouched by a test send");
            Assert.That((await liveClient.GetBalanceAsync()).Value.Environment, Is.EqualTo("live"));
        });

        var wrongEnv = Assert.ThrowsAsync<LisolooApiException>(() => liveClient.GetStatusAsync(sent.Value.MessageId));
        Assert.That(wrongEnv!.Status, Is.EqualTo(403));
        Assert.That(wrongEnv.ErrorCode, Is.EqualTo(LisolooErrorCodes.WrongEnvironment));
        var wrongEnvCancel = Assert.ThrowsAsync<LisolooApiException>(() => liveClient.CancelAsync(sent.Value.MessageId));
        Assert.That(wrongEnvCancel!.ErrorCode, Is.EqualTo(LisolooErrorCodes.WrongEnvironment));

        // No live carrier is configured here: a live send is refused whole, nothing charged, never routed to the sandbox.
        var noRoute = Assert.ThrowsAsync<LisolooApiException>(() => liveClient.SendAsync(new SendRequest(["+14155550100"], "live")));
        Assert.Multiple(async () =>
        {
            Assert.That(noRoute!.Status, Is.EqualTo(503));
            Assert.That(noRoute.ErrorCode, Is.EqualTo(LisolooErrorCodes.CarrierUnavailable));
            Assert.That((await liveClient.GetBalanceAsync()).Value.Balance, Is.EqualTo(7m));
        });
    }
}
