using System.Net;
using Lisoloo.Sdk;
using Lisoloo.Server.Sending;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.Server.Webhooks;

namespace Lisoloo.Server.Tests.Api;

/// <summary>Live keys may not aim webhooks at private, loopback or link-local addresses (server-side request forgery).</summary>
[TestFixture]
public sealed class PrivateTargetTests
{
    [TestCase("http://127.0.0.1:8080/hook")]
    [TestCase("https://localhost/hook")]
    [TestCase("https://10.1.2.3/hook")]
    [TestCase("https://192.168.0.10/hook")]
    [TestCase("https://169.254.169.254/latest/meta-data")]
    [TestCase("https://[::1]/hook")]
    [TestCase("https://[fd00::1]/hook")]
    [TestCase("https://100.64.0.1/hook")]
    public async Task A_live_key_cannot_use_a_private_callback_url_but_a_test_key_can(string url)
    {
        await using var server = await TestServer.StartAsync();
        var live = await server.CreateKeyAsync(merchant: "ssrf", environment: "live");
        var test = await server.CreateKeyAsync(merchant: "ssrf", environment: "test");
        var body = $"{{\"to\":[\"+14155550100\"],\"message\":\"x\",\"callback_url\":\"{url}\"}}";

        var refused = await server.SendRawAsync(HttpMethod.Post, "send", live.ApiKey, body);
        Assert.That(refused.Status, Is.EqualTo(400));
        Assert.That(refused.FieldErrors, Does.Contain(("callback_url", LisolooErrorCodes.InvalidCallbackUrl)));

        var allowed = await server.SendRawAsync(HttpMethod.Post, "send", test.ApiKey, body);
        Assert.That(allowed.Status, Is.EqualTo(201), "test keys may target local receivers");
    }

    [Test]
    public void Public_addresses_are_allowed_and_private_ones_are_not()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CallbackUrls.IsPrivate(IPAddress.Parse("8.8.8.8")), Is.False);
            Assert.That(CallbackUrls.IsPrivate(IPAddress.Parse("2001:4860:4860::8888")), Is.False);
            Assert.That(CallbackUrls.IsPrivate(IPAddress.Parse("172.16.0.1")), Is.True);
            Assert.That(CallbackUrls.IsPrivate(IPAddress.Parse("::ffff:10.0.0.1")), Is.True, "IPv4-mapped IPv6");
            Assert.That(CallbackUrls.Validate("http://hooks.example.com/x", liveKey: true, allowPrivateTargets: false), Is.Not.Null, "live keys need https");
            Assert.That(CallbackUrls.Validate("https://hooks.example.com/x", liveKey: true, allowPrivateTargets: false), Is.Null);
        });
    }

    [Test]
    public async Task The_live_webhook_connection_refuses_a_name_that_resolves_to_loopback()
    {
        using var handler = new SocketsHttpHandler { ConnectCallback = WebhookWorker.ConnectPublicOnlyAsync };
        using var client = new HttpClient(handler);
        var ex = Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri("http://localhost:9/")));
        Assert.That(ex!.InnerException, Is.InstanceOf<PrivateAddressException>());
        await Task.CompletedTask;
    }
}
