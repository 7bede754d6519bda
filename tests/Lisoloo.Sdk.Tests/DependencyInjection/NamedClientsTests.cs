using System.Net;
using Lisoloo.Sdk.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lisoloo.Sdk.Tests.DependencyInjection;

/// <summary>Named clients side by side (a sandbox and a live key) through <see cref="ILisolooClientFactory"/>.</summary>
public sealed class NamedClientsTests
{
    private static ServiceProvider BuildTestAndLive(RecordingHandler server, Action<LisolooClientOptions>? configure = null)
    {
        var configuration = ServiceFixture.Configuration(
            ("Lisoloo:Test:ApiKey", ServiceFixture.TestKey),
            ("Lisoloo:Test:BaseUrl", "https://sandbox.example.com/"),
            ("Lisoloo:Test:BaseUrlEnvironment", "Test"),
            ("Lisoloo:Live:ApiKey", ServiceFixture.LiveKey),
            ("Lisoloo:Live:BaseUrl", "https://api.example.com/"),
            ("Lisoloo:Live:BaseUrlEnvironment", "Live"),
            ("Lisoloo:Live:Resilience:MaxRetryAttempts", "0"));
        var services = ServiceFixture.Services();
        services.AddLisoloo("test", configuration.GetSection("Lisoloo:Test")).ConfigurePrimaryHttpMessageHandler(() => server);
        services.AddLisoloo("live", configuration.GetSection("Lisoloo:Live")).ConfigurePrimaryHttpMessageHandler(() => server);
        if (configure is not null)
        {
            services.Configure("test", configure);
            services.Configure("live", configure);
        }

        return services.BuildServiceProvider();
    }

    [Test]
    public async Task Factory_TestAndLiveSideBySide_EachUsesItsOwnKeyUrlAndSettings()
    {
        using var server = new RecordingHandler().Always(HttpStatusCode.OK);
        await using var provider = BuildTestAndLive(server);
        var factory = provider.GetRequiredService<ILisolooClientFactory>();

        using var test = factory.CreateClient("test");
        using var live = factory.CreateClient("live");
        await test.GetBalanceAsync();
        await live.GetBalanceAsync();

        var monitor = provider.GetRequiredService<IOptionsMonitor<LisolooClientOptions>>();
        Assert.Multiple(() =>
        {
            Assert.That(test.Environment, Is.EqualTo(LisolooEnvironment.Test));
            Assert.That(live.Environment, Is.EqualTo(LisolooEnvironment.Live));
            Assert.That(server.Requests[0].Uri.Host, Is.EqualTo("sandbox.example.com"));
            Assert.That(server.Requests[0].Headers["app-key"], Is.EqualTo(ServiceFixture.TestKey));
            Assert.That(server.Requests[1].Uri.Host, Is.EqualTo("api.example.com"));
            Assert.That(server.Requests[1].Headers["app-key"], Is.EqualTo(ServiceFixture.LiveKey));
            Assert.That(monitor.Get("test").Resilience.MaxRetryAttempts, Is.EqualTo(3));
            Assert.That(monitor.Get("live").Resilience.MaxRetryAttempts, Is.Zero);
        });
    }

    [Test]
    public async Task Factory_NamedOnly_RegistersNoDefaultClient()
    {
        using var server = new RecordingHandler();
        await using var provider = BuildTestAndLive(server);

        Assert.That(provider.GetService<LisolooClient>(), Is.Null);
    }

    [Test]
    public async Task Factory_DefaultAndNamed_Coexist()
    {
        using var server = new RecordingHandler().Always(HttpStatusCode.OK);
        var services = ServiceFixture.Services();
        services.AddLisoloo(o => o.ApiKey = ServiceFixture.TestKey).ConfigurePrimaryHttpMessageHandler(() => server);
        services.AddLisoloo("live", o => o.ApiKey = ServiceFixture.LiveKey).ConfigurePrimaryHttpMessageHandler(() => server);

        await using var provider = services.BuildServiceProvider();
        using var byType = provider.GetRequiredService<LisolooClient>();
        using var byEmptyName = provider.GetRequiredService<ILisolooClientFactory>().CreateClient(string.Empty);
        using var live = provider.GetRequiredService<ILisolooClientFactory>().CreateClient("live");

        Assert.Multiple(() =>
        {
            Assert.That(byType.Environment, Is.EqualTo(LisolooEnvironment.Test));
            Assert.That(byEmptyName.Environment, Is.EqualTo(LisolooEnvironment.Test));
            Assert.That(live.Environment, Is.EqualTo(LisolooEnvironment.Live));
        });
    }

    [Test]
    public async Task Factory_EachNameHasItsOwnCircuit()
    {
        using var server = new RecordingHandler()
            .Always((request, _) => Task.FromResult(RecordingHandler.Answer(request.RequestUri!.Host.StartsWith("sandbox", StringComparison.Ordinal) ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.OK)));
        await using var provider = BuildTestAndLive(server, o =>
        {
            o.TimeProvider = new FakeClock();
            o.Resilience.MaxRetryAttempts = 0;
            o.Resilience.MinimumThroughput = 2;
            o.Resilience.FailureRatio = 0.5;
        });
        var factory = provider.GetRequiredService<ILisolooClientFactory>();
        using var test = factory.CreateClient("test");
        using var live = factory.CreateClient("live");

        Assert.ThrowsAsync<LisolooApiException>(() => test.GetBalanceAsync());
        Assert.ThrowsAsync<LisolooApiException>(() => test.GetBalanceAsync());
        var open = Assert.ThrowsAsync<LisolooApiException>(() => test.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(open!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));
            Assert.DoesNotThrowAsync(() => live.GetBalanceAsync(), "the live circuit is closed");
        });
    }

    [Test]
    public async Task Factory_SameName_SharesOneCircuitAcrossClientsAndHandlers()
    {
        // AddResilienceHandler keeps one pipeline per client name in Polly's registry: every LisolooClient (and every
        // handler IHttpClientFactory creates, rotation included) of a name reaches the same breaker.
        using var server = new RecordingHandler().Always(HttpStatusCode.ServiceUnavailable);
        await using var provider = BuildTestAndLive(server, o =>
        {
            o.TimeProvider = new FakeClock();
            o.Resilience.MaxRetryAttempts = 0;
            o.Resilience.MinimumThroughput = 2;
            o.Resilience.FailureRatio = 0.5;
        });
        var factory = provider.GetRequiredService<ILisolooClientFactory>();
        using (var first = factory.CreateClient("test"))
        {
            Assert.ThrowsAsync<LisolooApiException>(() => first.GetBalanceAsync());
            Assert.ThrowsAsync<LisolooApiException>(() => first.GetBalanceAsync());
        }

        using var later = factory.CreateClient("test");
        var refused = Assert.ThrowsAsync<LisolooApiException>(() => later.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(refused!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));
            Assert.That(refused.Attempts, Is.Zero, "refused before anything was sent");
            Assert.That(server.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Factory_UnknownName_SaysWhichNamesExist()
    {
        using var server = new RecordingHandler();
        await using var provider = BuildTestAndLive(server);
        var factory = provider.GetRequiredService<ILisolooClientFactory>();

        var ex = Assert.Throws<InvalidOperationException>(() => factory.CreateClient("staging").Dispose());

        Assert.That(ex!.Message, Does.Contain("'staging'").And.Contain("AddLisoloo").And.Contain("test").And.Contain("live"));
    }

    [Test]
    public async Task Factory_NullName_Throws()
    {
        using var server = new RecordingHandler();
        await using var provider = BuildTestAndLive(server);

        Assert.Throws<ArgumentNullException>(() => provider.GetRequiredService<ILisolooClientFactory>().CreateClient(null!).Dispose());
    }
}
