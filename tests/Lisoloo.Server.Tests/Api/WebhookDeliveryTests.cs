using System.Text;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Sdk.Webhooks;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace Lisoloo.Server.Tests.Api;

/// <summary>The durable outbox against a real HTTP listener: signatures, Basic auth, subscriptions, retries, 410.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class WebhookDeliveryTests(StoreKind store)
{
    private TestServer _server = null!;
    private WebhookReceiver _receiver = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _server = await TestServer.StartAsync(store: store);
        _receiver = await WebhookReceiver.StartAsync();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_server is not null) // null when the provider is not available (an ignored fixture)
        {
            await _server.DisposeAsync();
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync();
        }
    }

    [Test]
    public async Task Every_transition_arrives_signed_with_both_schemes_and_basic_auth()
    {
        var key = await _server.CreateKeyAsync(merchant: "hooks", webhookUrl: _receiver.Url("signed").AbsoluteUri, webhookUser: "hooker", webhookPassword: "s3cret");
        using var client = _server.Client(key.ApiKey);
        var sent = await client.SendAsync(new SendRequest(["+14155550100"], "Signed"));

        await Wait.UntilAsync(() => ForMessage("/signed", sent.Value.MessageId).Count >= 4, TimeSpan.FromSeconds(20), "queued, processing, sent, delivered");
        var deliveries = ForMessage("/signed", sent.Value.MessageId);
        var verifier = new WebhookVerifier(new WebhookVerifierOptions { Secrets = { key.WebhookSecret }, BasicUsername = "hooker", BasicPassword = "s3cret" });
        var independent = new StandardWebhooks.StandardWebhook(key.WebhookSecret); // an implementation nobody here wrote
        var types = new List<string>();
        foreach (var d in deliveries)
        {
            var result = verifier.Verify(name => d.Headers.GetValueOrDefault(name), d.Body);
            Assert.That(result.IsValid, Is.True, $"verification failed: {result.FailureReason}");
            var headers = new Microsoft.AspNetCore.Http.HeaderDictionary();
            foreach (var (name, value) in d.Headers)
            {
                headers[name] = value;
            }

            Assert.DoesNotThrow(() => independent.Verify(Encoding.UTF8.GetString(d.Body), headers), "the StandardWebhooks package accepts it");
            var timestamp = long.Parse(d.Headers["X-Lisoloo-Timestamp"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Multiple(() =>
            {
                Assert.That(d.Headers["X-Lisoloo-Signature"], Is.EqualTo(WebhookSigner.ComputeLisolooSignature(key.WebhookSecret, timestamp, d.Body)));
                Assert.That(d.Headers["webhook-signature"], Is.EqualTo(WebhookSigner.ComputeStandardSignature(key.WebhookSecret, d.EventId, timestamp, d.Body)));
                Assert.That(d.Headers["Idempotency-Key"], Is.EqualTo(d.EventId));
                Assert.That(d.Headers["Authorization"], Is.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("hooker:s3cret"))));
            });
            var evt = WebhookParser.Parse(d.Body);
            Assert.That(evt.Id, Is.EqualTo(d.EventId));
            Assert.That(evt.Data.To, Is.EqualTo("+14155550100"));
            types.Add(evt.Type.Value + ":" + evt.Data.Status!.Value.Value);
        }

        Assert.That(types, Is.EquivalentTo(new[] { "sms.queued:queued", "sms.processing:processing", "sms.sent:sent", "sms.delivered:delivered" }));
    }

    [Test]
    public async Task Subscription_subset_and_callback_url_override_are_honoured()
    {
        var key = await _server.CreateKeyAsync(merchant: "subset", webhookUrl: _receiver.Url("key-hook").AbsoluteUri, webhookEvents: "sms.failed");
        using var client = _server.Client(key.ApiKey);
        var viaKey = await client.SendAsync(new SendRequest(["+14155550100", "+99900000001"], "Subset"));
        var viaCallback = await client.SendAsync(new SendRequest(["+99900000002"], "Callback") { CallbackUrl = _receiver.Url("callback") });

        await Wait.UntilAsync(() => ForMessage("/key-hook", viaKey.Value.MessageId).Count >= 1 && ForMessage("/callback", viaCallback.Value.MessageId).Count >= 1,
            TimeSpan.FromSeconds(20), "the failure events");
        await Wait.UntilAsync(async () => (await client.GetStatusAsync(viaKey.Value.MessageId)).Value.Recipients.All(r => r.Status.IsTerminal), TimeSpan.FromSeconds(20), "terminal");
        await Wait.UntilAsync(async () => (await _server.Store.CountEventsAsync()).GetValueOrDefault("pending") == 0, TimeSpan.FromSeconds(20), "outbox drained");

        var keyEvents = ForMessage("/key-hook", viaKey.Value.MessageId).Select(d => WebhookParser.Parse(d.Body)).ToList();
        Assert.That(keyEvents.Select(e => (e.Type.Value, e.Data.To, e.Data.Status!.Value.Value)),
            Is.EquivalentTo(new[] { ("sms.failed", "+99900000001", "undelivered") }), "only sms.failed, only for the failing number");
        Assert.That(ForMessage("/key-hook", viaCallback.Value.MessageId), Is.Empty, "callback_url replaces the key's webhook");
        Assert.That(ForMessage("/callback", viaCallback.Value.MessageId).Select(d => WebhookParser.Parse(d.Body).Data.Status!.Value.Value), Is.EqualTo(new[] { "expired" }));
    }

    [Test]
    public async Task Failed_attempts_are_retried_with_the_same_event_id_and_410_disables_the_url()
    {
        _receiver.Respond = (path, before) => path switch
        {
            "/flaky" => before < 2 ? 503 : 200,
            "/gone" => 410,
            _ => 200,
        };
        var flaky = await _server.CreateKeyAsync(merchant: "flaky", webhookUrl: _receiver.Url("flaky").AbsoluteUri, webhookEvents: "sms.delivered");
        var gone = await _server.CreateKeyAsync(merchant: "gone", webhookUrl: _receiver.Url("gone").AbsoluteUri);
        using var flakyClient = _server.Client(flaky.ApiKey);
        using var goneClient = _server.Client(gone.ApiKey);
        var a = await flakyClient.SendAsync(new SendRequest(["+14155550100"], "Flaky"));
        var b = await goneClient.SendAsync(new SendRequest(["+14155550100"], "Gone"));

        await Wait.UntilAsync(() => ForMessage("/flaky", a.Value.MessageId).Any(d => d.AnsweredStatus == 200), TimeSpan.FromSeconds(20), "the third attempt succeeds");
        var attempts = ForMessage("/flaky", a.Value.MessageId);
        Assert.That(attempts.Select(d => d.AnsweredStatus), Is.EqualTo(new[] { 503, 503, 200 }));
        Assert.That(attempts.Select(d => d.EventId).Distinct().Count(), Is.EqualTo(1), "one event id across attempts");
        Assert.That(attempts.Select(d => Convert.ToBase64String(d.Body)).Distinct().Count(), Is.EqualTo(1), "identical bytes across attempts");

        await Wait.UntilAsync(async () => (await _server.Store.ListKeysAsync()).Single(k => k.KeyId == gone.KeyId).WebhookDisabledAt is not null, TimeSpan.FromSeconds(20), "the 410 disables the URL");
        await Wait.UntilAsync(async () => (await goneClient.GetStatusAsync(b.Value.MessageId)).Value.Status == SmsStatus.Delivered, TimeSpan.FromSeconds(20), "delivered");
        // Events already in flight in the same batch may still arrive once each; none is ever retried after a 410.
        var gone410 = ForMessage("/gone", b.Value.MessageId);
        Assert.That(gone410.Select(d => d.EventId).Distinct().Count(), Is.EqualTo(gone410.Count), "no event is retried after a 410");
        var counts = await _server.Store.CountEventsAsync();
        Assert.That(counts.GetValueOrDefault("disabled") + counts.GetValueOrDefault("failed"), Is.GreaterThanOrEqualTo(1));
        var later = await goneClient.SendAsync(new SendRequest(["+14155550101"], "Gone again"));
        await Wait.UntilAsync(async () => (await goneClient.GetStatusAsync(later.Value.MessageId)).Value.Status == SmsStatus.Delivered, TimeSpan.FromSeconds(20), "delivered");
        Assert.That(ForMessage("/gone", later.Value.MessageId), Is.Empty, "a disabled URL receives no new events");
        _receiver.Respond = (_, _) => 200;
    }

    [Test]
    public async Task A_receiver_that_always_fails_gets_four_attempts_in_all()
    {
        var key = await _server.CreateKeyAsync(merchant: "down", webhookUrl: _receiver.Url("down").AbsoluteUri, webhookEvents: "sms.delivered");
        _receiver.Respond = (path, _) => path == "/down" ? 500 : 200;
        using var client = _server.Client(key.ApiKey);
        var sent = await client.SendAsync(new SendRequest(["+14155550100"], "Down"));
        await Wait.UntilAsync(() => ForMessage("/down", sent.Value.MessageId).Count >= 4, TimeSpan.FromSeconds(20), "four attempts");
        await Wait.UntilAsync(async () => (await _server.Store.CountEventsAsync()).GetValueOrDefault("failed") >= 1, TimeSpan.FromSeconds(20), "the event is marked failed");
        Assert.That(ForMessage("/down", sent.Value.MessageId), Has.Count.EqualTo(4));
        _receiver.Respond = (_, _) => 200;
    }

    [Test]
    public async Task During_a_secret_rotation_deliveries_verify_with_the_old_and_the_new_secret()
    {
        var key = await _server.CreateKeyAsync(merchant: "rotate", webhookUrl: _receiver.Url("rotate").AbsoluteUri, webhookEvents: "sms.delivered");
        var issuer = _server.Services.GetRequiredService<Lisoloo.Server.Auth.KeyIssuer>();
        var fresh = await issuer.RotateWebhookSecretAsync(key.KeyId, TimeSpan.FromHours(1), TimeProvider.System);
        using var client = _server.Client(key.ApiKey);
        var during = await client.SendAsync(new SendRequest(["+14155550100"], "rotating"));
        await Wait.UntilAsync(() => ForMessage("/rotate", during.Value.MessageId).Count >= 1, TimeSpan.FromSeconds(20), "the delivery");
        var d = ForMessage("/rotate", during.Value.MessageId)[0];
        Assert.Multiple(() =>
        {
            Assert.That(new WebhookVerifier([key.WebhookSecret]).Verify(name => d.Headers.GetValueOrDefault(name), d.Body).IsValid, Is.True, "old secret");
            Assert.That(new WebhookVerifier([fresh]).Verify(name => d.Headers.GetValueOrDefault(name), d.Body).IsValid, Is.True, "new secret");
            Assert.That(d.Headers["X-Lisoloo-Signature"].Split(',').Count(p => p.Trim().StartsWith("v1=", StringComparison.Ordinal)), Is.EqualTo(2));
        });

        // An overlap of zero ends the old secret at once.
        var newest = await issuer.RotateWebhookSecretAsync(key.KeyId, TimeSpan.Zero, TimeProvider.System);
        var after = await client.SendAsync(new SendRequest(["+14155550100"], "rotated"));
        await Wait.UntilAsync(() => ForMessage("/rotate", after.Value.MessageId).Count >= 1, TimeSpan.FromSeconds(20), "the delivery");
        var e = ForMessage("/rotate", after.Value.MessageId)[0];
        Assert.Multiple(() =>
        {
            Assert.That(new WebhookVerifier([newest]).Verify(name => e.Headers.GetValueOrDefault(name), e.Body).IsValid, Is.True);
            Assert.That(new WebhookVerifier([fresh]).Verify(name => e.Headers.GetValueOrDefault(name), e.Body).IsValid, Is.False, "the previous secret no longer signs");
        });
    }

    private List<ReceivedWebhook> ForMessage(string path, string messageId) =>
        _receiver.Received.Where(d => d.Path == path && MessageIdOf(d) == messageId).ToList();

    private static string? MessageIdOf(ReceivedWebhook d)
    {
        using var doc = JsonDocument.Parse(d.Body);
        return doc.RootElement.GetProperty("data").GetProperty("message_id").GetString();
    }
}
