using System.Net;
using Lisoloo.Sdk.Tests.Client;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>
/// The client that owns its HttpClient (<c>new LisolooClient(options)</c>) against a real loopback HTTP server, so that
/// the handler chain it builds for itself is what is tested: resilience on by default, off when disabled.
/// </summary>
public sealed class OwnedClientTests
{
    [Test]
    public void ResilienceDisabled_MakesExactlyOneAttempt()
    {
        using var server = LoopbackServer.Start(HttpStatusCode.ServiceUnavailable);
        using var client = new LisolooClient(new LisolooClientOptions
        {
            ApiKey = TestClients.TestKey,
            BaseUrl = server.BaseUrl,
            Resilience = { Enabled = false, MaxRetryAttempts = 5 },
        });

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Status, Is.EqualTo(503));
            Assert.That(ex.Attempts, Is.EqualTo(1));
            Assert.That(server.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public void ResilienceDisabled_NetworkError_MakesExactlyOneAttempt()
    {
        var port = Lisoloo.TestSupport.Ports.GetFreeTcpPort();
        using var client = new LisolooClient(new LisolooClientOptions
        {
            ApiKey = TestClients.TestKey,
            BaseUrl = new Uri($"http://127.0.0.1:{port}/"),
            Resilience = { Enabled = false },
        });

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+243998857000"], "Hi"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Network));
            Assert.That(ex.Attempts, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task ResilienceEnabled_RetriesOnTheOptionsClock()
    {
        using var server = LoopbackServer.Start(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var clock = FakeClock.For(new LisolooResilienceOptions());
        using var client = new LisolooClient(new LisolooClientOptions
        {
            ApiKey = TestClients.TestKey,
            BaseUrl = server.BaseUrl,
            TimeProvider = clock,
            Resilience = { UseJitter = false },
        });

        var call = client.GetBalanceAsync();
        var delays = await ResilienceHarness.DriveAsync(clock, call);
        var response = await call;

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(server.Count, Is.EqualTo(2));
            Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(2) }));
        });
    }
}
