using System.Diagnostics;
using Lisoloo.TestSupport;
using WireMock;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>
/// Stateful WireMock scenarios: a send that first fails transiently and then succeeds is retried by the SDK with the same
/// <c>Idempotency-Key</c> and body, so the server can answer the retry without a second send or a second charge.
/// </summary>
[Category("Contract")]
public sealed class RetryScenarioContractTests : ContractTestBase
{
    /// <summary>
    /// The slow-then-fast answer is a mapping in code, not a JSON scenario: WireMock.Net moves a scenario to its next state
    /// only once a step's answer (its delay included) is done, so every retry sent during a slow first step would get the
    /// slow step again. This mapping counts the calls it answers instead.
    /// </summary>
    private const string SlowMapping = "slow first answer (5 s), then 201 at once";

    private const string SlowBody = """{"status_code":201,"data":{"message_id":"6650a1b2c3d4e5f60123456c","total_recipients":1,"total_messages":1,"total_cost":0.02,"currency":"USD","status":"pending","sending_type":"immediate","segments":1,"encoding":"gsm7","occurrences":1},"request_id":"REQUEST_ID"}""";

    private int _slowCalls;

    [OneTimeSetUp]
    public void AddSlowFirstAnswer()
    {
        Stub.Server
            .Given(Request.Create()
                .WithPath(ApiPath + "send")
                .UsingPost()
                .WithHeader("app-key", Key)
                .WithHeader("Accept", "application/json")
                .WithHeader("Idempotency-Key", new RegexMatcher("^[0-9a-f]{32}$"))
                .WithBody(new JsonMatcher("""{"to":["+243998857000"],"message":"Contract: the first answer is too slow, then accepted","sending_type":"immediate"}""")))
            .WithTitle(SlowMapping)
            .RespondWith(Response.Create().WithCallback(async _ =>
            {
                var first = Interlocked.Increment(ref _slowCalls) == 1;
                if (first)
                {
                    await Task.Delay(TimeSpan.FromSeconds(5));
                }

                var requestId = first ? "req_contract_scenario_slow_a" : "req_contract_scenario_slow_b";
                return new ResponseMessage
                {
                    StatusCode = 201,
                    Headers = new Dictionary<string, WireMockList<string>>
                    {
                        ["Content-Type"] = new("application/json; charset=utf-8"),
                        ["X-Request-Id"] = new(requestId),
                    },
                    BodyData = new BodyData { BodyAsString = SlowBody.Replace("REQUEST_ID", requestId, StringComparison.Ordinal), DetectedBodyType = BodyType.String },
                };
            }));
    }

    [SetUp]
    public void ResetSlowCalls() => _slowCalls = 0;

    [Test]
    public async Task SendAsync_429ThenCreated_WaitsRetryAfterAndReusesTheIdempotencyKey()
    {
        using var client = CreateClient();
        var watch = Stopwatch.StartNew();

        var response = await client.SendAsync(["+243998857000"], "Contract: rate limited once, then accepted");

        watch.Stop();
        var sent = Requests();
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(201));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_scenario_429_b"));
            Assert.That(response.Value.MessageId, Is.EqualTo("6650a1b2c3d4e5f60123456a"));
            Assert.That(response.RateLimit, Is.EqualTo(new RateLimitInfo(60, 59, 60)));
            Assert.That(sent, Has.Count.EqualTo(2));
            Assert.That(watch.Elapsed, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900)), "Retry-After: 1 is honoured, not the 10 ms backoff");
        });
        AssertServedBy(sent, "send", "retry-429-then-201");
        AssertSameCall(sent);
    }

    [Test]
    public async Task SendAsync_503TwiceThenCreated_RetriesTwiceWithTheSameIdempotencyKey()
    {
        using var client = CreateClient();

        var response = await client.SendAsync(["+243998857000"], "Contract: carrier down twice, then accepted");

        var sent = Requests();
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(201));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_scenario_503_c"));
            Assert.That(response.Value.MessageId, Is.EqualTo("6650a1b2c3d4e5f60123456b"));
            Assert.That(sent, Has.Count.EqualTo(3));
        });
        AssertServedBy(sent, "send", "retry-503-twice-then-201");
        AssertSameCall(sent);
    }

    [Test]
    public async Task SendAsync_FirstAttemptSlowerThanAttemptTimeout_RetriesWithTheSameIdempotencyKey()
    {
        // The first answer comes after 5 s; one attempt may last 1 s.
        using var client = CreateClient(o => o.Resilience.AttemptTimeout = TimeSpan.FromSeconds(1));

        var response = await client.SendAsync(["+243998857000"], "Contract: the first answer is too slow, then accepted");

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(201));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_scenario_slow_b"), "the answer of the second attempt");
        });

        // Wait until both attempts are in the request log, so that the abandoned first one cannot land in the next test's log.
        IReadOnlyList<WireMockRequest> sent = [];
        await Wait.UntilAsync(() => (sent = Requests()).Count >= 2, TimeSpan.FromSeconds(15), "both attempts in the stub's request log");
        Assert.That(sent, Has.Count.EqualTo(2));
        Assert.That(sent.Select(r => r.StubName), Is.All.EqualTo(SlowMapping));
        AssertSameCall(sent);
    }

    private static void AssertSameCall(IReadOnlyList<WireMockRequest> sent)
    {
        foreach (var request in sent)
        {
            AssertSdkHeaders(request);
        }

        AssertGeneratedIdempotencyKey(sent[0]);
        Assert.Multiple(() =>
        {
            Assert.That(sent.Select(r => r.Header("Idempotency-Key")).Distinct().Count(), Is.EqualTo(1), "one Idempotency-Key across every attempt");
            Assert.That(sent.Select(r => r.Body).Distinct().Count(), Is.EqualTo(1), "the same body on every attempt");
        });
    }
}
