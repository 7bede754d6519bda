using Lisoloo.Sdk;
using Lisoloo.Sdk.Testing;
using Lisoloo.Sdk.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace Lisoloo.PackageConsumer.Tests;

/// <summary>The customer's code under test: it tells a buyer their order shipped, once, whatever the network does.</summary>
public sealed class OrderNotifications(LisolooClient sms)
{
    public async Task<string> ShippedAsync(string orderId, string phone, CancellationToken cancellationToken = default)
    {
        var sent = await sms.SendAsync(
            new SendRequest([phone], $"Your order {orderId} has shipped.") { SenderId = "SHOP", IdempotencyKey = "shipped-" + orderId },
            cancellationToken);
        return sent.Value.MessageId;
    }
}

/// <summary>
/// A customer's tests of that code, written against the packed Lisoloo.Sdk and Lisoloo.Sdk.Testing only: what the
/// packages promise must work from their .nupkg files, with their declared dependencies.
/// </summary>
public sealed class OrderNotificationsTests
{
    [Test]
    public void ThePackages_ArePackageDependencies_NotProjectReferences()
    {
        // The build records where each dependency came from in the deps file: "package" for a .nupkg, "project" otherwise.
        using var deps = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Lisoloo.PackageConsumer.Tests.deps.json")));
        var libraries = deps.RootElement.GetProperty("libraries").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetProperty("type").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(libraries.Where(l => l.Key.StartsWith("Lisoloo.Sdk/", StringComparison.Ordinal)).Select(l => l.Value), Is.EqualTo(new[] { "package" }));
            Assert.That(libraries.Where(l => l.Key.StartsWith("Lisoloo.Sdk.Testing/", StringComparison.Ordinal)).Select(l => l.Value), Is.EqualTo(new[] { "package" }));
            Assert.That(libraries.Keys, Has.None.StartsWith("Lisoloo.Server"), "the server's rules are compiled into Lisoloo.Sdk.Testing, not referenced");
        });
    }

    [Test]
    public async Task Shipped_SendsOneSms_ThroughTheClientFromDependencyInjection()
    {
        await using var lisoloo = LisolooMockServer.Start();
        var services = new ServiceCollection();
        services.AddLisoloo(options =>
        {
            options.ApiKey = lisoloo.ApiKey;
            options.BaseUrl = lisoloo.Url;
            options.Resilience.BaseDelay = TimeSpan.FromMilliseconds(10);
        });
        services.AddTransient<OrderNotifications>();
        await using var provider = services.BuildServiceProvider();

        var messageId = await provider.GetRequiredService<OrderNotifications>().ShippedAsync("A-1001", "+243 998 857 000");

        var send = lisoloo.Sends.Single();
        Assert.Multiple(() =>
        {
            Assert.That(send.MessageId, Is.EqualTo(messageId));
            Assert.That(send.To, Is.EqualTo(new[] { "+243998857000" }));
            Assert.That(send.SenderId, Is.EqualTo("SHOP"));
            Assert.That(send.IdempotencyKey, Is.EqualTo("shipped-A-1001"));
            Assert.That(lisoloo.Balance, Is.EqualTo(99.98m));
        });
    }

    [Test]
    public async Task Shipped_ThroughAnOutage_IsSentOnceAndChargedOnce()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient();
        lisoloo.FailNext(LisolooMockFailure.ServiceUnavailable, count: 2);

        await new OrderNotifications(client).ShippedAsync("A-1002", "+14155550100");
        await new OrderNotifications(client).ShippedAsync("A-1002", "+14155550100");

        Assert.Multiple(() =>
        {
            Assert.That(lisoloo.Requests.Select(r => r.Status), Is.EqualTo(new[] { 503, 503, 201, 201 }), "two outages retried, then a replay");
            Assert.That(lisoloo.Sends, Has.Count.EqualTo(1));
            Assert.That(lisoloo.Balance, Is.EqualTo(99.98m));
        });
    }

    [Test]
    public async Task Shipped_ToAnInvalidNumber_SurfacesTheFieldError()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => new OrderNotifications(client).ShippedAsync("A-1003", "12ab"));

        Assert.That(ex!.FieldErrors.Select(e => (e.Field, e.ErrorCode)), Is.EqualTo(new[] { ("to[0]", LisolooErrorCodes.InvalidRecipient) }));
    }

    [Test]
    public async Task ASignedWebhook_VerifiesWithTheSdk()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var listener = new System.Net.HttpListener();
        var port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/hooks/");
        listener.Start();
        var received = listener.GetContextAsync();

        var sending = lisoloo.SendWebhookAsync(new Uri($"http://127.0.0.1:{port}/hooks/sms"), new WebhookEvent
        {
            Type = WebhookEventType.SmsDelivered,
            Data = new WebhookEventData { MessageId = "6650a1b2c3d4e5f601234567", To = "+14155550100", Status = SmsStatus.Delivered, PreviousStatus = SmsStatus.Sent },
        });
        var context = await received.WaitAsync(TimeSpan.FromSeconds(10));
        using var body = new MemoryStream();
        await context.Request.InputStream.CopyToAsync(body);
        var headers = context.Request.Headers;
        context.Response.StatusCode = 204;
        context.Response.Close();
        var status = await sending;

        var verified = new WebhookVerifier([lisoloo.WebhookSecret]).VerifyAndParse(name => headers[name], body.ToArray());
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(204));
            Assert.That(verified.Type, Is.EqualTo(WebhookEventType.SmsDelivered));
            Assert.That(verified.Data.To, Is.EqualTo("+14155550100"));
        });
    }

    private static int FreePort()
    {
        using var socket = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        socket.Start();
        return ((System.Net.IPEndPoint)socket.LocalEndpoint).Port;
    }
}
