using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>
/// Runs the real <see cref="LisolooClient"/> against WireMock.Net loaded with <c>tests/contract/mappings</c>: one stub per
/// fixture, in this process, its request log and scenarios reset before each test, and no unmatched request allowed after it.
/// </summary>
public abstract class ContractTestBase
{
    /// <summary>The key every mapping expects in <c>app-key</c>.</summary>
    protected const string Key = "sk_test_contract0000000000000001";

    /// <summary>The key the 401 mapping answers for.</summary>
    protected const string RevokedKey = "sk_test_contractrevoked0000000001";

    /// <summary>The v1 path every mapping's URL starts with.</summary>
    protected const string ApiPath = "/api/v1/lisoloo/sms-api/";

    /// <summary>The application id the test clients append to their <c>User-Agent</c>.</summary>
    protected const string ApplicationId = "contract-tests/1.0";

    private static readonly Regex GeneratedIdempotencyKey = new("^[0-9a-f]{32}$", RegexOptions.CultureInvariant);

    private ContractStub? _stub;

    /// <summary>Gets the fixture's stub.</summary>
    protected ContractStub Stub => _stub ?? throw new InvalidOperationException("The stub is not running.");

    [OneTimeSetUp]
    public void StartStub()
    {
        _stub = ContractStub.Start();
        Assert.That(_stub.MappingCount, Is.EqualTo(ContractMappings.All.Count), "the stub loaded every mapping under tests/contract/mappings");
    }

    [OneTimeTearDown]
    public void StopStub()
    {
        _stub?.Dispose();
        _stub = null;
    }

    [SetUp]
    public void ResetStub() => Stub.Reset();

    [TearDown]
    public void AssertNoUnmatchedRequests()
    {
        var unmatched = Stub.UnmatchedRequests();
        Assert.That(unmatched, Is.Empty, () => "Requests that no mapping matched (the SDK sent something the contract does not expect):"
            + Environment.NewLine + string.Join(Environment.NewLine, unmatched));
    }

    /// <summary>Creates a client on the stub with fast retries (10 ms backoff, no jitter, no circuit breaker).</summary>
    protected LisolooClient CreateClient(Action<LisolooClientOptions>? configure = null)
    {
        var options = new LisolooClientOptions { ApiKey = Key, BaseUrl = Stub.BaseUrl, ApplicationId = ApplicationId };
        options.Resilience.MaxRetryAttempts = 3;
        options.Resilience.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.Resilience.MaxDelay = TimeSpan.FromMilliseconds(50);
        options.Resilience.UseJitter = false;
        options.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(5);
        options.Resilience.CircuitBreakerEnabled = false;
        configure?.Invoke(options);
        return new LisolooClient(options);
    }

    /// <summary>Gets the requests the stub received in this test, oldest first.</summary>
    protected IReadOnlyList<WireMockRequest> Requests() => Stub.Requests();

    /// <summary>Gets the one request the stub received in this test.</summary>
    protected WireMockRequest SingleRequest()
    {
        var requests = Requests();
        Assert.That(requests, Has.Count.EqualTo(1), () => "Expected exactly one request:" + Environment.NewLine + string.Join(Environment.NewLine, requests));
        return requests[0];
    }

    /// <summary>Checks what every SDK request carries on the wire.</summary>
    protected static void AssertSdkHeaders(WireMockRequest request, string key = Key)
    {
        var unsafeMethod = request.Method is "POST" or "DELETE";
        Assert.Multiple(() =>
        {
            Assert.That(request.Header("app-key"), Is.EqualTo(key), "the key travels in app-key");
            Assert.That(request.Headers.ContainsKey("Authorization"), Is.False, "the key travels in app-key only");
            Assert.That(request.Header("User-Agent"), Does.Match(@"^lisoloo-dotnet/\d+\.\d+\.\d+\S* \(.+\) contract-tests/1\.0$"));
            Assert.That(request.Header("Accept"), Is.EqualTo("application/json"));
            if (unsafeMethod)
            {
                Assert.That(request.Header("Idempotency-Key"), Is.Not.Null, "every POST and DELETE carries an Idempotency-Key");
            }
            else
            {
                Assert.That(request.Headers.ContainsKey("Idempotency-Key"), Is.False, "GETs need no Idempotency-Key");
            }

            if (request.Body.Length > 0)
            {
                Assert.That(request.Header("Content-Type"), Is.EqualTo("application/json; charset=utf-8"));
            }
            else
            {
                Assert.That(request.Headers.ContainsKey("Content-Type"), Is.False, "no body, no Content-Type");
            }
        });
    }

    /// <summary>Checks that the SDK generated the Idempotency-Key (32 lowercase hex digits).</summary>
    protected static void AssertGeneratedIdempotencyKey(WireMockRequest request)
        => Assert.That(request.Header("Idempotency-Key"), Does.Match(GeneratedIdempotencyKey), "a generated Idempotency-Key");

    /// <summary>Checks that a request body is the given JSON (member order aside).</summary>
    protected static void AssertJsonBody(WireMockRequest request, string expectedJson)
    {
        var actual = JsonNode.Parse(request.Body);
        var expected = JsonNode.Parse(expectedJson);
        Assert.That(JsonNode.DeepEquals(actual, expected), Is.True, () => $"Body on the wire:{Environment.NewLine}{request.Body}{Environment.NewLine}expected:{Environment.NewLine}{expected?.ToJsonString()}");
    }

    /// <summary>Checks that every request was served by a mapping of the given endpoint and family.</summary>
    protected static void AssertServedBy(IEnumerable<WireMockRequest> requests, string endpoint, string family)
    {
        foreach (var request in requests)
        {
            Assert.Multiple(() =>
            {
                Assert.That(request.WasMatched, Is.True, request.ToString());
                Assert.That(request.Endpoint, Is.EqualTo(endpoint), request.ToString());
                Assert.That(request.Family, Is.EqualTo(family), request.ToString());
            });
        }
    }
}
