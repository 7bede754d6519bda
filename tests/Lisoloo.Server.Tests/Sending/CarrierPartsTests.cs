using System.Collections.Concurrent;
using Lisoloo.Sdk;
using Lisoloo.Server.Carriers;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Lisoloo.Server.Tests.Sending;

/// <summary>
/// Receipts matched per part (the store side of the SMPP bridge): a message is delivered when every part is, a failed
/// part fails it, a receipt that overtakes its part is held and applied, and parts acknowledged before a temporary
/// failure are never submitted again.
/// </summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class CarrierPartsTests(StoreKind store)
{
    private const string Route = "smsc-a";

    [Test]
    public async Task Multipart_message_is_delivered_only_when_every_part_is()
    {
        var carrier = new PartsCarrier(parts: 3);
        await using var server = await StartAsync(carrier);
        var (client, messageId) = await SendAsync(server, "+14155550100");
        await carrier.WaitSubmittedAsync(3);
        await WaitSentAsync(client, messageId); // the parts are stored with the submit's answer, not when the carrier sees them

        var ids = carrier.Ids.OrderBy(x => x).ToList();
        var counts = await server.Store.ApplyPartReceiptsAsync(Route, [Receipt(ids[0], "delivered"), Receipt(ids[1], "delivered")]);
        Assert.That(counts, Is.EqualTo(new ReceiptApplyCounts(2, 0, 0)));
        Assert.That(await StatusOfAsync(client, messageId), Is.EqualTo(SmsStatus.Sent), "one part still to hear from");

        counts = await server.Store.ApplyPartReceiptsAsync(Route, [Receipt(ids[2], "delivered"), Receipt(ids[2], "delivered")]);
        Assert.That(counts.Transitions, Is.EqualTo(1), "the duplicate changes nothing");
        Assert.That(await StatusOfAsync(client, messageId), Is.EqualTo(SmsStatus.Delivered));
    }

    [Test]
    public async Task A_failed_part_fails_the_message_with_the_receipts_words_and_a_late_receipt_changes_nothing()
    {
        var carrier = new PartsCarrier(parts: 2);
        await using var server = await StartAsync(carrier);
        var (client, messageId) = await SendAsync(server, "+14155550101");
        await carrier.WaitSubmittedAsync(2);
        await WaitSentAsync(client, messageId);
        var ids = carrier.Ids.OrderBy(x => x).ToList();

        await server.Store.ApplyPartReceiptsAsync(Route, [Receipt(ids[0], "accepted")]);
        Assert.That(await StatusOfAsync(client, messageId), Is.EqualTo(SmsStatus.Accepted), "an intermediate receipt shows at once");

        await server.Store.ApplyPartReceiptsAsync(Route, [Receipt(ids[0], "delivered"), Receipt(ids[1], "undelivered", "stat:UNDELIV err:001")]);
        var recipient = (await client.GetStatusAsync(messageId)).Value.Recipients.Single();
        Assert.Multiple(() =>
        {
            Assert.That(recipient.Status, Is.EqualTo(SmsStatus.Undelivered));
            Assert.That(recipient.ErrorCode, Is.EqualTo(LisolooErrorCodes.Undelivered));
            Assert.That(recipient.CarrierError, Is.EqualTo("stat:UNDELIV err:001"), "the failed part's words");
        });

        var counts = await server.Store.ApplyPartReceiptsAsync(Route, [Receipt(ids[1], "delivered")]);
        Assert.That(counts.Transitions, Is.Zero, "a part that is final stays final");
        Assert.That(await StatusOfAsync(client, messageId), Is.EqualTo(SmsStatus.Undelivered));
    }

    [Test]
    public async Task A_receipt_that_overtakes_its_part_is_held_and_applied_when_the_part_is_stored()
    {
        // The receipt names the id in decimal; the SMSC will answer the submit with it in hex.
        var carrier = new PartsCarrier(parts: 1, fixedIds: ["ff"]);
        var gate = new TaskCompletionSource();
        carrier.BeforeAnswer = gate.Task;
        await using var server = await StartAsync(carrier);
        var (client, messageId) = await SendAsync(server, "+14155550102");
        await carrier.WaitSubmittedAsync(1);

        var counts = await server.Store.ApplyPartReceiptsAsync(Route, [new PartReceipt(["255", "ff"], "delivered", "stat:DELIVRD")]);
        Assert.That(counts, Is.EqualTo(new ReceiptApplyCounts(0, 1, 0)), "held: no part has that id yet");

        gate.SetResult();
        await Wait.UntilAsync(async () => await StatusOfAsync(client, messageId) == SmsStatus.Delivered, TimeSpan.FromSeconds(10), "delivered once the part is stored");
    }

    [Test]
    public async Task Parts_acknowledged_before_a_temporary_refusal_are_not_submitted_again()
    {
        var carrier = new PartsCarrier(parts: 3) { RefuseFirstAttemptFromPart = 2 };
        await using var server = await StartAsync(carrier);
        var (client, messageId) = await SendAsync(server, "+14155550103");

        await carrier.WaitSubmittedAsync(3);
        Assert.That(carrier.SubmittedParts, Is.EqualTo(new[] { 1, 2, 3 }), "part 1 acknowledged, 2 and 3 refused for now, then submitted again alone");
        await WaitSentAsync(client, messageId);
        var ids = carrier.Ids.ToList();
        await server.Store.ApplyPartReceiptsAsync(Route, ids.Select(id => Receipt(id, "delivered")).ToList());
        Assert.That(await StatusOfAsync(client, messageId), Is.EqualTo(SmsStatus.Delivered));
    }

    private static PartReceipt Receipt(string id, string state, string? detail = null) => new([id], state, detail);

    private static Task WaitSentAsync(LisolooClient client, string messageId) =>
        Wait.UntilAsync(async () => await StatusOfAsync(client, messageId) == SmsStatus.Sent, TimeSpan.FromSeconds(10), "the submit's answer stored");

    private async Task<TestServer> StartAsync(PartsCarrier carrier) => await TestServer.StartAsync(
        new Dictionary<string, string?>
        {
            ["Lisoloo:LiveCarrier"] = carrier.Name,
            ["Lisoloo:Workers:RetryDelay"] = "00:00:00.100",
        },
        services => services.AddSingleton<ICarrier>(carrier), store: store);

    private static async Task<(LisolooClient Client, string MessageId)> SendAsync(TestServer server, string to)
    {
        var key = await server.CreateKeyAsync(merchant: "parts-" + to, environment: "live", balance: 1m, unitPrice: 0.1m);
        var client = server.Client(key.ApiKey);
        var sent = await client.SendAsync(new SendRequest([to], "A message in parts"));
        return (client, sent.Value.MessageId);
    }

    private static async Task<SmsStatus> StatusOfAsync(LisolooClient client, string messageId) =>
        (await client.GetStatusAsync(messageId)).Value.Recipients.Single().Status;

    /// <summary>A live route answering like SMPP: one id per part, optionally holding its answer, or refusing parts for now on a first attempt.</summary>
    private sealed class PartsCarrier(int parts, IReadOnlyList<string>? fixedIds = null) : ICarrier
    {
        private int _next;

        public ConcurrentQueue<string> Ids { get; } = new();

        public ConcurrentQueue<int> SubmittedPartsQueue { get; } = new();

        public IReadOnlyList<int> SubmittedParts => [.. SubmittedPartsQueue];

        public Task BeforeAnswer { get; set; } = Task.CompletedTask;

        public int? RefuseFirstAttemptFromPart { get; init; }

        public string Name => "parts-test";

        public bool IsReady => true;

        public string Describe() => "test carrier";

        public Task WaitSubmittedAsync(int count) =>
            Wait.UntilAsync(() => Task.FromResult(SubmittedPartsQueue.Count >= count), TimeSpan.FromSeconds(10), $"{count} parts submitted");

        public IReadOnlyList<Task<SubmitResult>> Submit(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken) =>
            CarrierBatch.Each(SubmitBatchAsync(batch, cancellationToken), batch.Count);

        private async Task<IReadOnlyList<SubmitResult>> SubmitBatchAsync(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken)
        {
            var results = new List<SubmitResult>();
            foreach (var d in batch)
            {
                var acked = new List<CarrierPart>();
                var refused = false;
                for (var p = 1; p <= parts; p++)
                {
                    if (d.AckedParts.Contains(p))
                    {
                        continue;
                    }

                    if (RefuseFirstAttemptFromPart is { } from && p >= from && d.AckedParts.Count == 0)
                    {
                        refused = true;
                        continue;
                    }

                    SubmittedPartsQueue.Enqueue(p);
                    var id = fixedIds?[p - 1] ?? $"id{Interlocked.Increment(ref _next):D4}";
                    Ids.Enqueue(id);
                    acked.Add(new CarrierPart(p, parts, id));
                }

                results.Add(refused
                    ? new SubmitResult(d.DeliveryId, false, null, LisolooErrorCodes.CarrierUnavailable, "busy", null, 0, Retryable: true) { Parts = acked, Route = Route }
                    : new SubmitResult(d.DeliveryId, true, acked[0].CarrierId, null, null, null, 0) { Parts = acked, Route = Route });
            }

            await BeforeAnswer.WaitAsync(cancellationToken);
            return results;
        }
    }
}
