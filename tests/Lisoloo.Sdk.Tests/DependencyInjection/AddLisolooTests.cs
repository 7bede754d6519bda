using System.Net;
using Lisoloo.Sdk.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Options;

namespace Lisoloo.Sdk.Tests.DependencyInjection;

/// <summary><c>services.AddLisoloo(...)</c>: options binding, the HTTP client builder, and the handler chain it registers.</summary>
public sealed class AddLisolooTests
{
    [Test]
    public void AddLisoloo_ConfigurationSection_BindsEveryOption()
    {
        var configuration = ServiceFixture.Configuration(
            ("Lisoloo:ApiKey", ServiceFixture.LiveKey),
            ("Lisoloo:BaseUrl", "https://sms.example.com/"),
            ("Lisoloo:BaseUrlEnvironment", "live"),
            ("Lisoloo:ApplicationId", "shop-api/2.3"),
            ("Lisoloo:Resilience:Enabled", "true"),
            ("Lisoloo:Resilience:MaxRetryAttempts", "5"),
            ("Lisoloo:Resilience:BaseDelay", "00:00:00.250"),
            ("Lisoloo:Resilience:MaxDelay", "00:00:09"),
            ("Lisoloo:Resilience:UseJitter", "false"),
            ("Lisoloo:Resilience:MaxRetryAfter", "00:02:00"),
            ("Lisoloo:Resilience:AttemptTimeout", "00:00:04"),
            ("Lisoloo:Resilience:TotalTimeout", "00:00:40"),
            ("Lisoloo:Resilience:CircuitBreakerEnabled", "true"),
            ("Lisoloo:Resilience:FailureRatio", "0.25"),
            ("Lisoloo:Resilience:MinimumThroughput", "20"),
            ("Lisoloo:Resilience:SamplingDuration", "00:01:00"),
            ("Lisoloo:Resilience:BreakDuration", "00:00:15"));
        var services = ServiceFixture.Services();

        services.AddLisoloo(configuration.GetSection("Lisoloo"));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<LisolooClientOptions>>().Value;
        var r = options.Resilience;
        Assert.Multiple(() =>
        {
            Assert.That(options.ApiKey, Is.EqualTo(ServiceFixture.LiveKey));
            Assert.That(options.BaseUrl, Is.EqualTo(new Uri("https://sms.example.com/")));
            Assert.That(options.BaseUrlEnvironment, Is.EqualTo(LisolooEnvironment.Live));
            Assert.That(options.ApplicationId, Is.EqualTo("shop-api/2.3"));
            Assert.That(r.Enabled, Is.True);
            Assert.That(r.MaxRetryAttempts, Is.EqualTo(5));
            Assert.That(r.BaseDelay, Is.EqualTo(TimeSpan.FromMilliseconds(250)));
            Assert.That(r.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(9)));
            Assert.That(r.UseJitter, Is.False);
            Assert.That(r.MaxRetryAfter, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(r.AttemptTimeout, Is.EqualTo(TimeSpan.FromSeconds(4)));
            Assert.That(r.TotalTimeout, Is.EqualTo(TimeSpan.FromSeconds(40)));
            Assert.That(r.CircuitBreakerEnabled, Is.True);
            Assert.That(r.FailureRatio, Is.EqualTo(0.25));
            Assert.That(r.MinimumThroughput, Is.EqualTo(20));
            Assert.That(r.SamplingDuration, Is.EqualTo(TimeSpan.FromMinutes(1)));
            Assert.That(r.BreakDuration, Is.EqualTo(TimeSpan.FromSeconds(15)));
        });
    }

    [Test]
    public void AddLisoloo_PartialSection_KeepsTheDefaults()
    {
        var services = ServiceFixture.Services();

        services.AddLisoloo(ServiceFixture.Configuration(("ApiKey", ServiceFixture.TestKey), ("Resilience:MaxRetryAttempts", "1")));

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<LisolooClientOptions>>().Value;
        var defaults = new LisolooResilienceOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.BaseUrl, Is.EqualTo(LisolooClientOptions.DefaultBaseUrl));
            Assert.That(options.BaseUrlEnvironment, Is.Null);
            Assert.That(options.Resilience.MaxRetryAttempts, Is.EqualTo(1));
            Assert.That(options.Resilience.BaseDelay, Is.EqualTo(defaults.BaseDelay));
            Assert.That(options.Resilience.TotalTimeout, Is.EqualTo(defaults.TotalTimeout));
            Assert.That(options.Resilience.Enabled, Is.True);
        });
    }

    [Test]
    public void AddLisoloo_Action_SetsTheOptions()
    {
        var clock = new FakeClock();
        var services = ServiceFixture.Services();

        services.AddLisoloo(o =>
        {
            o.ApiKey = ServiceFixture.TestKey;
            o.BaseUrl = new Uri("http://localhost:5080/");
            o.TimeProvider = clock;
            o.Resilience.MaxRetryAttempts = 2;
        });

        using var provider = services.BuildServiceProvider();
        var options = provider.GetRequiredService<IOptions<LisolooClientOptions>>().Value;
        Assert.Multiple(() =>
        {
            Assert.That(options.ApiKey, Is.EqualTo(ServiceFixture.TestKey));
            Assert.That(options.BaseUrl, Is.EqualTo(new Uri("http://localhost:5080/")));
            Assert.That(options.TimeProvider, Is.SameAs(clock));
            Assert.That(options.Resilience.MaxRetryAttempts, Is.EqualTo(2));
        });
    }

    [Test]
    public void AddLisoloo_ReturnsTheBuilderOfItsHttpClient()
    {
        var services = ServiceFixture.Services();

        var byAction = services.AddLisoloo(o => o.ApiKey = ServiceFixture.TestKey);
        var bySection = services.AddLisoloo("live", ServiceFixture.Configuration(("ApiKey", ServiceFixture.LiveKey)));

        Assert.Multiple(() =>
        {
            Assert.That(byAction, Is.InstanceOf<IHttpClientBuilder>());
            Assert.That(byAction.Name, Is.EqualTo("Lisoloo"));
            Assert.That(bySection.Name, Is.EqualTo("Lisoloo:live"));
        });
    }

    [Test]
    public async Task AddLisoloo_DefaultClient_SendsThroughTheFactoryWithKeyAndBaseUrl()
    {
        using var server = new RecordingHandler().Always(HttpStatusCode.OK);
        var services = ServiceFixture.Services();
        services.AddLisoloo(o =>
        {
            o.ApiKey = ServiceFixture.TestKey;
            o.BaseUrl = new Uri("https://sandbox.example.com/");
            o.ApplicationId = "tests/1.0";
        }).ConfigurePrimaryHttpMessageHandler(() => server);

        await using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<LisolooClient>();
        await client.GetBalanceAsync();

        var request = server.Requests.Single();
        Assert.Multiple(() =>
        {
            Assert.That(client.Environment, Is.EqualTo(LisolooEnvironment.Test));
            Assert.That(request.Uri, Is.EqualTo(new Uri("https://sandbox.example.com/api/v1/lisoloo/sms-api/balance")));
            Assert.That(request.Headers["app-key"], Is.EqualTo(ServiceFixture.TestKey));
            Assert.That(request.Headers["User-Agent"], Does.StartWith("lisoloo-dotnet/").And.EndWith("tests/1.0"));
        });
    }

    [Test]
    public async Task AddLisoloo_ResilienceEnabled_RetriesOnTheOptionsClock()
    {
        using var server = new RecordingHandler().Then(HttpStatusCode.ServiceUnavailable).Always(HttpStatusCode.Created);
        var defaults = new LisolooResilienceOptions();
        var clock = FakeClock.For(defaults);
        var services = ServiceFixture.Services();
        services.AddLisoloo(o =>
        {
            o.ApiKey = ServiceFixture.TestKey;
            o.TimeProvider = clock;
            o.Resilience.UseJitter = false;
        }).ConfigurePrimaryHttpMessageHandler(() => server);

        await using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<LisolooClient>();
        var call = client.SendAsync(["+243998857000"], "Hi");
        var delays = await ResilienceHarness.DriveAsync(clock, call);
        await call;

        Assert.Multiple(() =>
        {
            Assert.That(server.Count, Is.EqualTo(2));
            Assert.That(delays, Is.EqualTo(new[] { defaults.BaseDelay }));
            Assert.That(server.Requests.Select(r => r.IdempotencyKey).Distinct().Count(), Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<IHttpClientFactory>().CreateClient("Lisoloo").Timeout, Is.EqualTo(Timeout.InfiniteTimeSpan), "the pipeline's total timeout governs");
        });
    }

    [Test]
    public async Task AddLisoloo_ResilienceDisabled_MakesExactlyOneAttemptAndKeepsHttpClientTimeout()
    {
        using var server = new RecordingHandler().Always(HttpStatusCode.ServiceUnavailable);
        var services = ServiceFixture.Services();
        services.AddLisoloo(ServiceFixture.Configuration(("ApiKey", ServiceFixture.TestKey), ("Resilience:Enabled", "false"), ("Resilience:MaxRetryAttempts", "5")))
            .ConfigurePrimaryHttpMessageHandler(() => server);

        await using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<LisolooClient>();
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(server.Count, Is.EqualTo(1));
            Assert.That(ex!.Attempts, Is.EqualTo(1));
            Assert.That(provider.GetRequiredService<IHttpClientFactory>().CreateClient("Lisoloo").Timeout, Is.EqualTo(TimeSpan.FromSeconds(100)));
        });
    }

    [Test]
    public async Task AddLisoloo_HandlerAddedToTheBuilder_SeesEveryAttempt()
    {
        using var server = new RecordingHandler().Then(HttpStatusCode.BadGateway).Always(HttpStatusCode.OK);
        var clock = FakeClock.For(new LisolooResilienceOptions());
        var seen = 0;
        var services = ServiceFixture.Services();
        services.AddLisoloo(o =>
        {
            o.ApiKey = ServiceFixture.TestKey;
            o.TimeProvider = clock;
        })
            .AddHttpMessageHandler(() => new CountingHandler(() => Interlocked.Increment(ref seen)))
            .ConfigurePrimaryHttpMessageHandler(() => server);

        await using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<LisolooClient>();
        var call = client.GetBalanceAsync();
        await ResilienceHarness.DriveAsync(clock, call);
        await call;

        Assert.That(seen, Is.EqualTo(2), "handlers added after AddLisoloo sit inside the resilience handler");
    }

    [Test]
    public async Task AddLisoloo_CircuitState_IsSharedByEveryClientOfOneName()
    {
        using var server = new RecordingHandler().Always(HttpStatusCode.ServiceUnavailable);
        var services = ServiceFixture.Services();
        services.AddLisoloo(o =>
        {
            o.ApiKey = ServiceFixture.TestKey;
            o.TimeProvider = new FakeClock();
            o.Resilience.MaxRetryAttempts = 0;
            o.Resilience.MinimumThroughput = 2;
            o.Resilience.FailureRatio = 0.5;
        }).ConfigurePrimaryHttpMessageHandler(() => server);

        await using var provider = services.BuildServiceProvider();
        using (var first = provider.GetRequiredService<LisolooClient>())
        {
            Assert.ThrowsAsync<LisolooApiException>(() => first.GetBalanceAsync());
            Assert.ThrowsAsync<LisolooApiException>(() => first.GetBalanceAsync());
        }

        using var second = provider.GetRequiredService<LisolooClient>();
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => second.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));
            Assert.That(server.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task AddLisoloo_CalledTwiceForOneName_AddsOneResilienceHandler()
    {
        using var server = new RecordingHandler().Always(HttpStatusCode.ServiceUnavailable);
        var clock = FakeClock.For(new LisolooResilienceOptions());
        var services = ServiceFixture.Services();
        services.AddLisoloo(ServiceFixture.Configuration(("ApiKey", ServiceFixture.TestKey), ("Resilience:MaxRetryAttempts", "1")));
        services.AddLisoloo(o => o.TimeProvider = clock).ConfigurePrimaryHttpMessageHandler(() => server);

        await using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<LisolooClient>();
        var call = client.GetBalanceAsync();
        await ResilienceHarness.DriveAsync(clock, call);
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call);

        Assert.Multiple(() =>
        {
            Assert.That(server.Count, Is.EqualTo(2), "1 + 1 retry, not (1 + 1)² from two nested handlers");
            Assert.That(ex!.Attempts, Is.EqualTo(2));
            Assert.That(provider.GetRequiredService<IOptions<LisolooClientOptions>>().Value.TimeProvider, Is.SameAs(clock), "both configurations apply");
        });
    }

    [Test]
    public void AddLisoloo_NullArguments_Throw()
    {
        var services = ServiceFixture.Services();

        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentNullException>(() => services.AddLisoloo((Microsoft.Extensions.Configuration.IConfiguration)null!));
            Assert.Throws<ArgumentNullException>(() => services.AddLisoloo((Action<LisolooClientOptions>)null!));
            Assert.Throws<ArgumentNullException>(() => services.AddLisoloo(null!, o => { }));
            Assert.Throws<ArgumentNullException>(() => ((IServiceCollection)null!).AddLisoloo(o => { }));
        });
    }

    private sealed class CountingHandler(Action onSend) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            onSend();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
