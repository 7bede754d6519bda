using System.Net;
using Lisoloo.Sdk.Tests.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Lisoloo.Sdk.Tests.DependencyInjection;

/// <summary>
/// The API key goes into the <c>app-key</c> header and nowhere else: not into logs at any level (the SDK's and
/// IHttpClientFactory's own), exception messages, or <c>ToString()</c>.
/// </summary>
public sealed class ApiKeyRedactionTests
{
    private const string Secret = "4f9a2c7e1b3d5f60a8c2e4b6";

    /// <summary>Runs successes, retries and every failure kind through a DI client, logging at Trace.</summary>
    private static async Task<(CapturingLoggerProvider Logs, List<Exception> Errors)> RunEverythingAsync(Action<IHttpClientBuilder>? customize = null)
    {
        var logs = new CapturingLoggerProvider();
        var errors = new List<Exception>();
        using var server = new RecordingHandler()
            .Then(HttpStatusCode.OK)
            .Then(HttpStatusCode.ServiceUnavailable)
            .Then(HttpStatusCode.Created)
            .Then(401, """{"status_code":401,"error_code":1003,"message":"Unknown or revoked key."}""")
            .Then(HttpStatusCode.OK, "garbage")
            .ThenThrow(new HttpRequestException("Connection refused (api.test.local:443)"))
            .ThenThrow(new HttpRequestException("Connection refused (api.test.local:443)"))
            .AlwaysHang();
        var clock = FakeClock.For(new LisolooResilienceOptions { AttemptTimeout = TimeSpan.FromSeconds(10) });
        var services = ServiceFixture.Services(logs);
        var builder = services.AddLisoloo(o =>
        {
            o.ApiKey = ServiceFixture.TestKey;
            o.BaseUrl = new Uri("https://api.test.local/");
            o.TimeProvider = clock;
            o.Resilience.MaxRetryAttempts = 1;
            o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(10);
        }).ConfigurePrimaryHttpMessageHandler(() => server);
        customize?.Invoke(builder);

        await using var provider = services.BuildServiceProvider();
        using var client = provider.GetRequiredService<LisolooClient>();

        await client.GetBalanceAsync();
        var retried = client.GetBalanceAsync();
        await ResilienceHarness.DriveAsync(clock, retried);
        await retried;
        foreach (var call in new Func<Task>[] { () => client.GetBalanceAsync(), () => client.GetBalanceAsync() })
        {
            try
            {
                await call();
            }
            catch (LisolooApiException ex)
            {
                errors.Add(ex);
            }
        }

        var network = client.SendAsync(["+243998857000"], "Hi");
        await ResilienceHarness.DriveAsync(clock, network);
        errors.Add(Assert.ThrowsAsync<LisolooApiException>(() => network)!);

        var timeout = client.GetBalanceAsync();
        await server.WaitForRequestsAsync(8);
        clock.Advance(TimeSpan.FromSeconds(10));
        await clock.AdvanceThroughNextDelayAsync();
        await server.WaitForRequestsAsync(9);
        clock.Advance(TimeSpan.FromSeconds(10));
        errors.Add(Assert.ThrowsAsync<LisolooApiException>(() => timeout.WaitAsync(TimeSpan.FromSeconds(10)))!);

        Assert.That(server.Requests.Select(r => r.Headers["app-key"]), Is.All.EqualTo(ServiceFixture.TestKey), "the key does go on the wire");
        return (logs, errors);
    }

    [Test]
    public async Task Logs_AtEveryLevel_NeverContainTheKey()
    {
        var (logs, errors) = await RunEverythingAsync();

        Assert.Multiple(() =>
        {
            Assert.That(errors.Select(e => ((LisolooApiException)e).Kind), Is.EquivalentTo(new[] { LisolooFailureKind.ApiError, LisolooFailureKind.InvalidResponse, LisolooFailureKind.Network, LisolooFailureKind.Timeout }));
            Assert.That(logs.Records.Select(r => r.Category), Has.Some.StartsWith("System.Net.Http.HttpClient"), "IHttpClientFactory's own logging was captured");
            Assert.That(logs.Records.Where(r => r.EventId.Id == 3), Is.Not.Empty, "retries were logged");
            Assert.That(logs.AllText, Does.Not.Contain(Secret));
            Assert.That(logs.AllText, Does.Contain("sk_test_…e4b6"), "the redacted form is what identifies the key");
        });
    }

    [Test]
    public async Task Logs_WhenTheHostRedactsOnlyItsOwnHeaders_StillNeverContainTheKey()
    {
        // RedactLoggedHeaders replaces the factory's predicate; the SDK must keep app-key redacted regardless.
        var (logs, _) = await RunEverythingAsync(builder => builder.RedactLoggedHeaders(["Authorization"]));

        Assert.Multiple(() =>
        {
            Assert.That(logs.AllText, Does.Contain("User-Agent: lisoloo-dotnet/"), "other headers are logged as the host asked");
            Assert.That(logs.AllText, Does.Not.Contain(Secret));
        });
    }

    [Test]
    public async Task Exceptions_MessageAndToString_NeverContainTheKey()
    {
        var (_, errors) = await RunEverythingAsync();

        Assert.That(errors, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var error in errors)
            {
                Assert.That(error.Message, Does.Not.Contain(Secret));
                Assert.That(error.ToString(), Does.Not.Contain(Secret));
            }
        });
    }

    [Test]
    public void OptionsAndClient_ToString_NeverContainTheKey()
    {
        var options = new LisolooClientOptions { ApiKey = ServiceFixture.TestKey };
        using var client = new LisolooClient(options, new HttpClient());

        Assert.Multiple(() =>
        {
            Assert.That(options.ToString(), Does.Not.Contain(Secret));
            Assert.That(client.ToString(), Does.Not.Contain(Secret).And.Contain("sk_test_…e4b6"));
            Assert.That(options.Resilience.ToString(), Does.Not.Contain(Secret));
        });
    }

    [Test]
    public void Validation_OfAMalformedKey_NeverShowsIt()
    {
        const string Bad = "sk_test_" + Secret + "!";
        var services = ServiceFixture.Services();
        services.AddLisoloo(o => o.ApiKey = Bad);
        using var provider = services.BuildServiceProvider();

        var fromDi = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<LisolooClientOptions>>().Value.ToString());
        var fromCtor = Assert.Throws<ArgumentException>(() => new LisolooClient(new LisolooClientOptions { ApiKey = Bad }).Dispose());
        var problems = new LisolooClientOptions { ApiKey = Bad }.Validate();

        Assert.Multiple(() =>
        {
            Assert.That(fromDi!.ToString(), Does.Not.Contain(Secret));
            Assert.That(fromCtor!.ToString(), Does.Not.Contain(Secret));
            Assert.That(string.Join(" ", problems), Does.Not.Contain(Secret));
        });
    }
}
