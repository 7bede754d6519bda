using System.Collections.Concurrent;
using Lisoloo.Sdk;
using Lisoloo.Server.Carriers;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Lisoloo.Server.Tests.Sending;

/// <summary>
/// The leased dispatch path (claim under a lease, submit outside the transaction, apply the answer), through an
/// asynchronous carrier for live keys, as the SMPP bridge uses it. The sandbox takes the inline path instead; both must
/// give the same states, stage times, money and events.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class LeasedCarrierTests(StoreKind store)
{
    private const string Refused = "+15550000001";

    [Test]
    public async Task An_asynchronous_carrier_gets_each_delivery_once_and_its_answers_drive_the_lifecycle_and_the_ledger()
    {
        var carrier = new RecordingCarrier();
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["Lisoloo:LiveCarrier"] = carrier.Name },
            services => services.AddSingleton<ICarrier>(carrier), store: store);
        var key = await server.CreateKeyAsync(merchant: "leased", environment: "live", balance: 1m, unitPrice: 0.1m);
        using var client = server.Client(key.ApiKey);

        var sent = await client.SendAsync(new SendRequest(["+14155550100", "+14155550101", Refused], "Over the leased path"));

        MessageStatus status = null!;
        await Wait.UntilAsync(async () =>
        {
            status = (await client.GetStatusAsync(sent.Value.MessageId)).Value;
            return status.Recipients.All(r => r.Status.IsTerminal);
        }, TimeSpan.FromSeconds(20), "every recipient terminal");

        var byNumber = status.Recipients.ToDictionary(r => r.To);
        Assert.Multiple(() =>
        {
            Assert.That(carrier.Submitted.OrderBy(x => x), Is.EqualTo(new[] { "+14155550100", "+14155550101", Refused }), "each delivery submitted exactly once");
            Assert.That(byNumber["+14155550100"].Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(byNumber["+14155550101"].Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(byNumber[Refused].Status, Is.EqualTo(SmsStatus.Failed));
            Assert.That(byNumber[Refused].ErrorCode, Is.EqualTo(LisolooErrorCodes.DestinationNotCovered));
            Assert.That(byNumber["+14155550100"].Timestamps!.Keys, Is.SupersetOf(new[] { "pending", "queued", "processing", "sent", "delivered" }));
            Assert.That(byNumber[Refused].Timestamps!.Keys, Is.SupersetOf(new[] { "queued", "processing", "failed" }).And.Not.Contains("sent"));
            Assert.That(status.RefundedAmount, Is.EqualTo(0.1m), "the refused recipient is refunded");
        });

        var balance = (await client.GetBalanceAsync()).Value;
        Assert.That(balance.Balance, Is.EqualTo(0.8m), "two SMS spent out of three reserved");
        var accountId = (await server.Store.FindKeyAsync(Lisoloo.Server.Auth.KeyMaterial.Hash(key.ApiKey)))!.AccountId;
        var (ledgerBalance, reserved) = await server.Store.LedgerTotalsAsync(accountId);
        Assert.That((ledgerBalance, reserved), Is.EqualTo((800_000L, 0L)), "the ledger agrees, and nothing stays reserved");
    }

    /// <summary>A live route that answers later (like SMPP): refuses one number, accepts the rest with a receipt 50 ms on.</summary>
    private sealed class RecordingCarrier : ICarrier
    {
        public ConcurrentBag<string> Submitted { get; } = [];

        public string Name => "leased-test";

        public bool IsReady => true;

        public string Describe() => "test carrier";

        public IReadOnlyList<Task<SubmitResult>> Submit(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken) =>
            CarrierBatch.Each(SubmitBatchAsync(batch, cancellationToken), batch.Count);

        private async Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken)
        {
            await Task.Yield(); // outside the claim's transaction, as a network carrier is
            var at = TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() + 50;
            return batch.Select(d =>
            {
                Submitted.Add(d.Recipient);
                return d.Recipient == Refused
                    ? new SubmitResult(d.DeliveryId, false, null, LisolooErrorCodes.DestinationNotCovered, "no route", null, 0)
                    : new SubmitResult(d.DeliveryId, true, "ref-" + d.DeliveryId, null, null, "delivered", at);
            }).ToList();
        }
    }
}
