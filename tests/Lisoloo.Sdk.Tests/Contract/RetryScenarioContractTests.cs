using System.Diagnostics;
using Lisoloo.TestSupport;
using Lisoloo.TestSupport.WireMock;

namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>
/// Stateful WireMock scenarios: a send that first fails transiently and then succeeds is retried by the SDK with the same
/// <c>Idempotency-Key</c> and body, so the server can answer the retry without a second send or a second charge.
/// </summary>
[Category("Contract")]
public sealed class RetryScenarioContractTests : ContractTestBase
{
    [Test]
    public async Task SendAsync_429ThenCreated_WaitsRetryAfterAndReusesTheIdempotencyKey()
    {
        using var client = CreateClient();
        var watch = Stopwatch.StartNew();

        var response = await client.SendAsync(["+243998857000"], "Contract: rate limited once, then accepted");

        watch.Stop();
        var sent = await RequestsAsync();
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

        var sent = await RequestsAsync();
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

        // Wait until both attempts are in the journal, so that the abandoned first one cannot land in the next test's journal.
        IReadOnlyList<WireMockRequest> sent = [];
        await Wait.UntilAsync(async () => (sent = await RequestsAsync()).Count >= 2, TimeSpan.FromSeconds(15), "both attempts in the WireMock journal");
        Assert.That(sent, Has.Count.EqualTo(2));
        AssertServedBy(sent, "send", "attempt-timeout-then-201");
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
