namespace Lisoloo.Sdk.Tests.Contract;

/// <summary><c>GET /status</c>, <c>GET /balance</c>, <c>POST /calculate</c> and <c>GET /health</c>, against the contract mappings.</summary>
[Category("Contract")]
public sealed class QueryContractTests : ContractTestBase
{
    private const string LongMessage = "Contract: this message is longer than one SMS, so it goes out in two parts of at most 153 septets each; "
        + "the server counts the parts with the same code as the SDK and bills both of them.";

    [Test]
    public async Task GetStatusAsync_Delivered_ReadsAggregateOccurrencesAndRecipients()
    {
        using var client = CreateClient();

        var response = await client.GetStatusAsync("6650a1b2c3d4e5f601234567");

        var sent = SingleRequest();
        var status = response.Value;
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_status"));
            Assert.That(status.MessageId, Is.EqualTo("6650a1b2c3d4e5f601234567"));
            Assert.That(status.Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(status.SendingType, Is.EqualTo(SendingType.Immediate));
            Assert.That(status.SenderId, Is.EqualTo("LISOLOO"));
            Assert.That(status.TotalRecipients, Is.EqualTo(2));
            Assert.That(status.TotalCost, Is.EqualTo(0.04m));
            Assert.That(status.RefundedAmount, Is.Zero);
            Assert.That(status.CreatedAt, Is.EqualTo(new DateTimeOffset(2026, 11, 23, 8, 0, 0, TimeSpan.Zero)));
            Assert.That(status.Counts, Is.EquivalentTo(new Dictionary<string, int> { ["delivered"] = 2 }));
            Assert.That(status.Occurrences, Has.Count.EqualTo(1));
            Assert.That(status.Occurrences![0].Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(status.Recipients.Select(r => r.To), Is.EqualTo(new[] { "+243998857000", "+243810000001" }));
            Assert.That(status.Recipients.Select(r => r.Status), Is.All.EqualTo(SmsStatus.Delivered));
            Assert.That(status.Recipients[1].Timestamps!["delivered"], Is.EqualTo(new DateTimeOffset(2026, 11, 23, 8, 0, 3, TimeSpan.Zero)));

            Assert.That(sent.Method, Is.EqualTo("GET"));
            Assert.That(sent.Url, Is.EqualTo(ApiPath + "status/6650a1b2c3d4e5f601234567"));
            Assert.That(sent.Body, Is.Empty);
        });
        AssertServedBy([sent], "status", "success");
        AssertSdkHeaders(sent);
    }

    [Test]
    public async Task GetBalanceAsync_ReadsBalanceAndRateLimitHeaders()
    {
        using var client = CreateClient();

        var response = await client.GetBalanceAsync();

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_balance"));
            Assert.That(response.Value, Is.EqualTo(new BalanceResult { Balance = 125.5m, Reserved = 0.32m, UnitPrice = 0.02m, Currency = "USD", Environment = "test" }));
            Assert.That(response.RateLimit, Is.EqualTo(new RateLimitInfo(30, 29, 60)));
            Assert.That(sent.Url, Is.EqualTo(ApiPath + "balance"));
        });
        AssertServedBy([sent], "balance", "success");
        AssertSdkHeaders(sent);
    }

    [Test]
    public async Task CalculateAsync_Budget_SendsBudgetAndMessageOnly()
    {
        using var client = CreateClient();

        var response = await client.CalculateAsync(CalculateRequest.ForBudget(10m, "Contract: how many of these can I send?"));

        var sent = SingleRequest();
        var result = response.Value;
        Assert.Multiple(() =>
        {
            Assert.That(response.RequestId, Is.EqualTo("req_contract_calculate_budget"));
            Assert.That(result.Budget, Is.EqualTo(10m));
            Assert.That(result.SmsCount, Is.EqualTo(500));
            Assert.That(result.MessageCount, Is.EqualTo(500));
            Assert.That(result.Segments, Is.EqualTo(1));
            Assert.That(result.UnitPrice, Is.EqualTo(0.02m));
            Assert.That(result.TotalCost, Is.Null);
        });
        AssertServedBy([sent], "calculate", "success");
        AssertSdkHeaders(sent);
        AssertGeneratedIdempotencyKey(sent);
        AssertJsonBody(sent, """{"budget":10,"message":"Contract: how many of these can I send?"}""");
    }

    [Test]
    public async Task CalculateAsync_WouldBeImmediateSend_PricesTwoSegmentsForTwoRecipients()
    {
        using var client = CreateClient();

        var response = await client.CalculateAsync(CalculateRequest.ForSend(new SendRequest(["+243998857000", "+243810000001"], LongMessage) { SenderId = "LISOLOO" }));

        var sent = SingleRequest();
        var result = response.Value;
        Assert.Multiple(() =>
        {
            Assert.That(response.RequestId, Is.EqualTo("req_contract_calculate_send"));
            Assert.That(result.Segments, Is.EqualTo(2));
            Assert.That(result.Encoding, Is.EqualTo(SmsEncoding.Gsm7));
            Assert.That(result.TotalRecipients, Is.EqualTo(2));
            Assert.That(result.TotalMessages, Is.EqualTo(4));
            Assert.That(result.TotalCost, Is.EqualTo(0.08m));
            Assert.That(result.SufficientBalance, Is.True);
            Assert.That(result.Budget, Is.Null);
        });
        AssertServedBy([sent], "calculate", "success");
        AssertSdkHeaders(sent);
        AssertJsonBody(sent, $$"""{"to":["+243998857000","+243810000001"],"message":"{{LongMessage}}","sender_id":"LISOLOO","sending_type":"immediate"}""");
    }

    [Test]
    public async Task CalculateAsync_WouldBeScheduledSend_WritesTheTimeZoneOnEachDate()
    {
        using var client = CreateClient();
        var schedule = new ScheduleRequest(
            ["+243998857000"],
            "Contract: your appointment is tomorrow at 10:00",
            [new ScheduledDate("2030-06-01", "09:00"), new ScheduledDate("2030-06-08", "09:00")])
        {
            SenderId = "CLINIC",
            TimeZone = "Africa/Kinshasa",
            CallbackUrl = new Uri("https://hooks.example.com/lisoloo/events"),
        };

        var response = await client.CalculateAsync(CalculateRequest.ForSend(schedule));

        var sent = SingleRequest();
        Assert.Multiple(() =>
        {
            Assert.That(response.RequestId, Is.EqualTo("req_contract_calculate_scheduled"));
            Assert.That(response.Value.Occurrences, Is.EqualTo(2));
            Assert.That(response.Value.TotalCost, Is.EqualTo(0.04m));
        });
        AssertServedBy([sent], "calculate", "success");
        AssertJsonBody(sent, """
            {"to":["+243998857000"],"message":"Contract: your appointment is tomorrow at 10:00","sender_id":"CLINIC","sending_type":"scheduled",
             "scheduled_dates":[{"date":"2030-06-01","time":"09:00","timezone":"Africa/Kinshasa"},
                                {"date":"2030-06-08","time":"09:00","timezone":"Africa/Kinshasa"}]}
            """);
    }

    [Test]
    public async Task GetHealthAsync_Healthy_ReadsChecks()
    {
        using var client = CreateClient();

        var response = await client.GetHealthAsync();

        var sent = SingleRequest();
        var health = response.Value;
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_health"));
            Assert.That(health.IsHealthy, Is.True);
            Assert.That(health.Version, Is.EqualTo("0.1.0"));
            Assert.That(health.Checks!.Keys, Is.EquivalentTo(new[] { "store", "carrier" }));
            Assert.That(health.Checks["carrier"].Description, Is.EqualTo("sandbox"));
            Assert.That(sent.Url, Is.EqualTo(ApiPath + "health"));
        });
        AssertServedBy([sent], "health", "success");
        AssertSdkHeaders(sent);
    }

    [Test]
    public async Task GetHealthAsync_Unhealthy503WithHealthBody_IsReturnedNotThrown()
    {
        Stub.SetScenarioState("health", "store-down");
        using var client = CreateClient();

        var response = await client.GetHealthAsync();

        var sent = Requests();
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(503));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_health_unhealthy"));
            Assert.That(response.Value.IsHealthy, Is.False);
            Assert.That(response.Value.Checks!["store"].Status, Is.EqualTo("unhealthy"));
        });
        AssertServedBy(sent, "health", "unavailable");
    }
}
