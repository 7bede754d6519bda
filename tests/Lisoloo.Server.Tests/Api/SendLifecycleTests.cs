using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Api;

/// <summary>Immediate sends through the SDK against the real server: sandbox outcomes, status, ledger.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class SendLifecycleTests(StoreKind store)
{
    private TestServer _server = null!;

    [OneTimeSetUp]
    public async Task StartAsync() => _server = await TestServer.StartAsync(store: store);

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_server is not null) // null when the provider is not available (an ignored fixture)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task Immediate_send_reaches_every_sandbox_outcome_and_refunds_only_the_submit_failure()
    {
        var key = await _server.CreateKeyAsync(merchant: "lifecycle", balance: 10m, unitPrice: 0.05m);
        using var client = _server.Client(key.ApiKey);
        var numbers = new[] { "+243 81 234 5678", "+99900000001", "+99900000002", "+99900000003", "+99900000004", "+99900000005" };

        var sent = await client.SendAsync(new SendRequest(numbers, "Hello from the sandbox"));

        Assert.Multiple(() =>
        {
            Assert.That(sent.Value.MessageId, Does.Match("^[0-9a-f]{24}$"));
            Assert.That(sent.Value.TotalRecipients, Is.EqualTo(6));
            Assert.That(sent.Value.TotalMessages, Is.EqualTo(6));
            Assert.That(sent.Value.TotalCost, Is.EqualTo(0.30m));
            Assert.That(sent.Value.Status, Is.EqualTo(SmsStatus.Pending));
            Assert.That(sent.Status, Is.EqualTo(201));
        });

        MessageStatus status = null!;
        await Wait.UntilAsync(async () =>
        {
            status = (await client.GetStatusAsync(sent.Value.MessageId)).Value;
            return status.Recipients.All(r => r.Status.IsTerminal);
        }, TimeSpan.FromSeconds(20), "every recipient terminal");

        var byNumber = status.Recipients.ToDictionary(r => r.To, r => r.Status);
        Assert.Multiple(() =>
        {
            Assert.That(byNumber["+243812345678"], Is.EqualTo(SmsStatus.Delivered));
            Assert.That(byNumber["+99900000001"], Is.EqualTo(SmsStatus.Undelivered));
            Assert.That(byNumber["+99900000002"], Is.EqualTo(SmsStatus.Expired));
            Assert.That(byNumber["+99900000003"], Is.EqualTo(SmsStatus.Rejected));
            Assert.That(byNumber["+99900000004"], Is.EqualTo(SmsStatus.Failed));
            Assert.That(byNumber["+99900000005"], Is.EqualTo(SmsStatus.Delivered));
            Assert.That(status.Status, Is.EqualTo(SmsStatus.Delivered), "any delivered → delivered");
            Assert.That(status.RefundedAmount, Is.EqualTo(0.05m), "only the failure at submit is refunded");
            Assert.That(status.Recipients.Single(r => r.To == "+99900000003").Timestamps!.Keys, Does.Contain("sent"), "rejected after sent");
            Assert.That(status.Recipients.Single(r => r.To == "+99900000004").Timestamps!.Keys, Does.Not.Contain("sent"), "failed at submit");
            var recipients = status.Recipients.ToDictionary(r => r.To);
            foreach (var (number, state) in new[] { ("+99900000001", "undelivered"), ("+99900000002", "expired"), ("+99900000003", "rejected") })
            {
                Assert.That((recipients[number].ErrorCode, recipients[number].ErrorMessage), Is.EqualTo(ReceiptErrors.For(state)),
                    $"the failure receipt's error is stored with the {state} row");
            }

            Assert.That((recipients["+243812345678"].ErrorCode, recipients["+243812345678"].ErrorMessage), Is.EqualTo(((int?)null, (string?)null)),
                "a delivered row carries no error");
            Assert.That(recipients.Values.Select(r => r.ErrorCode), Is.EqualTo(new int?[]
            {
                null, LisolooErrorCodes.Undelivered, LisolooErrorCodes.Expired, LisolooErrorCodes.RejectedByCarrier, LisolooErrorCodes.RefusedByCarrier, null,
            }), "each outcome its own code: 1510, 1511, 1512, and 1518 for the refusal at submit");
            Assert.That(recipients.Values.Select(r => r.CarrierError), Is.All.Null, "the sandbox has no words of its own");
        });

        var balance = (await client.GetBalanceAsync()).Value;
        Assert.Multiple(() =>
        {
            Assert.That(balance.Balance, Is.EqualTo(10m - 0.30m + 0.05m));
            Assert.That(balance.Reserved, Is.EqualTo(0m));
        });
        var account = (await _server.Store.GetBalanceAsync("lifecycle", "test"))!;
        Assert.That(await _server.Store.LedgerTotalsAsync(account.AccountId), Is.EqualTo((account.BalanceMicros, account.ReservedMicros)), "the balance row is what the ledger says");
    }

    [Test]
    public async Task Duplicates_after_normalisation_count_once()
    {
        var key = await _server.CreateKeyAsync(merchant: "dupes");
        using var client = _server.Client(key.ApiKey);
        var sent = await client.SendAsync(new SendRequest(["+1 (415) 555-0100", "+14155550100", "+1.415.555.0100"], "Hi"));
        Assert.That(sent.Value.TotalRecipients, Is.EqualTo(1));
        Assert.That(sent.Value.TotalCost, Is.EqualTo(0.02m));
    }

    [Test]
    public async Task Cancel_within_holds_the_send_and_cancel_refunds_it_before_the_carrier()
    {
        var key = await _server.CreateKeyAsync(merchant: "holder", balance: 1m);
        using var client = _server.Client(key.ApiKey);
        var sent = await client.SendAsync(new SendRequest(["+14155550100", "+14155550101"], "Hold me") { CancelWithin = TimeSpan.FromSeconds(30) });
        var cancelled = await client.CancelAsync(sent.Value.MessageId);
        var status = (await client.GetStatusAsync(sent.Value.MessageId)).Value;
        Assert.Multiple(() =>
        {
            Assert.That(cancelled.Value.Status, Is.EqualTo(SmsStatus.Cancelled));
            Assert.That(cancelled.Value.RefundedMessages, Is.EqualTo(2));
            Assert.That(cancelled.Value.RefundedAmount, Is.EqualTo(0.04m));
            Assert.That(status.Status, Is.EqualTo(SmsStatus.Cancelled));
            Assert.That(status.Recipients.Select(r => r.Status), Is.All.EqualTo(SmsStatus.Cancelled));
        });
        Assert.That((await client.GetBalanceAsync()).Value.Balance, Is.EqualTo(1m));
        var again = Assert.ThrowsAsync<LisolooApiException>(() => client.CancelAsync(sent.Value.MessageId));
        Assert.That(again!.ErrorCode, Is.EqualTo(LisolooErrorCodes.CannotCancel));
    }

    [Test]
    public async Task Another_merchants_message_is_not_found_and_a_revoked_key_is_refused_at_once()
    {
        var owner = await _server.CreateKeyAsync(merchant: "owner");
        var other = await _server.CreateKeyAsync(merchant: "other");
        using var ownerClient = _server.Client(owner.ApiKey);
        using var otherClient = _server.Client(other.ApiKey);
        var sent = await ownerClient.SendAsync(new SendRequest(["+14155550100"], "Mine"));

        var notFound = Assert.ThrowsAsync<LisolooApiException>(() => otherClient.GetStatusAsync(sent.Value.MessageId));
        Assert.That(notFound!.Status, Is.EqualTo(404));
        Assert.That(notFound.ErrorCode, Is.EqualTo(LisolooErrorCodes.MessageNotFound));

        Assert.That(await _server.Store.RevokeKeyAsync(owner.KeyId), Is.True);
        var revoked = Assert.ThrowsAsync<LisolooApiException>(() => ownerClient.GetBalanceAsync());
        Assert.That(revoked!.Status, Is.EqualTo(401));
        Assert.That(revoked.ErrorCode, Is.EqualTo(LisolooErrorCodes.InvalidApiKey));
    }
}
