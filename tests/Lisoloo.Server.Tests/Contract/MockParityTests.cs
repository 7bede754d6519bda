using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Sdk.Testing;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Contract;

/// <summary>
/// The same calls, through the real SDK client, to the reference server (real Kestrel and SQLite, sandbox carrier) and
/// to Lisoloo.Sdk.Testing's <see cref="LisolooMockServer"/>: every answer must agree (ids and times aside), so that what
/// customers test against cannot drift from what they will run against. The bad-input sweep runs on both as well
/// (<c>BadInputSweepTests</c>).
/// </summary>
[TestFixture]
public sealed class MockParityTests
{
    private static readonly TimeSpan DeliveryDelay = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan SlowDeliveryDelay = TimeSpan.FromMilliseconds(900);
    private static readonly TimeSpan FailureDelay = TimeSpan.FromMilliseconds(300);

    private TestServer _server = null!;
    private LisolooMockServer _mock = null!;
    private LisolooClient _toServer = null!;
    private LisolooClient _toMock = null!;
    private string _serverKey = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await TestServer.StartAsync(new Dictionary<string, string?>
        {
            ["Lisoloo:Sandbox:DeliveryDelay"] = DeliveryDelay.ToString(),
            ["Lisoloo:Sandbox:SlowDeliveryDelay"] = SlowDeliveryDelay.ToString(),
            ["Lisoloo:Sandbox:FailureDelay"] = FailureDelay.ToString(),
        });
        var key = await _server.CreateKeyAsync(merchant: "parity", balance: 10m, unitPrice: 0.02m);
        _mock = LisolooMockServer.Start(new LisolooMockServerOptions
        {
            Balance = 10m,
            UnitPrice = 0.02m,
            DeliveryDelay = DeliveryDelay,
            SlowDeliveryDelay = SlowDeliveryDelay,
            FailureDelay = FailureDelay,
        });
        _serverKey = key.ApiKey;
        _toServer = new LisolooClient(new LisolooClientOptions { ApiKey = key.ApiKey, BaseUrl = _server.BaseUrl });
        _toMock = _mock.CreateClient();
    }

    [TearDown]
    public async Task StopAsync()
    {
        _toServer.Dispose();
        _toMock.Dispose();
        await _mock.DisposeAsync();
        await _server.DisposeAsync();
    }

    [Test]
    public async Task The_magic_numbers_end_the_same_way_with_the_same_refund()
    {
        string[] numbers = ["+14155550100", "+99900000001", "+99900000002", "+99900000003", "+99900000004", "+99900000005"];
        var request = new SendRequest(numbers, "Parity: where does each number end?") { SenderId = "PARITY" };

        var (server, mock) = await BothAsync(t => t.Client.SendAsync(request));
        AssertSameSend(server.Value, mock.Value);
        var finalServer = await UntilFinalAsync(_toServer, server.Value.MessageId);
        var finalMock = await UntilFinalAsync(_toMock, mock.Value.MessageId);
        var (balanceServer, balanceMock) = await BothAsync(t => t.Client.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(Outcomes(finalMock), Is.EqualTo(Outcomes(finalServer)));
            Assert.That(finalMock.Status, Is.EqualTo(finalServer.Status));
            Assert.That(finalMock.Counts, Is.EquivalentTo(finalServer.Counts!));
            Assert.That((finalMock.TotalCost, finalMock.RefundedAmount), Is.EqualTo((finalServer.TotalCost, finalServer.RefundedAmount)));
            Assert.That(finalMock.Recipients.Select(r => r.Timestamps!.Keys.ToArray()), Is.EqualTo(finalServer.Recipients.Select(r => r.Timestamps!.Keys.ToArray())),
                "the same stages, in the same order");
            Assert.That(balanceMock.Value, Is.EqualTo(balanceServer.Value));
        });
    }

    [Test]
    public async Task A_scheduled_send_is_priced_paused_resumed_and_cancelled_the_same_way()
    {
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var request = new ScheduleRequest(["+14155550100", "+14155550101"], "Parity: three dates",
            [ScheduledDate.At(today.AddDays(10), new TimeOnly(9, 0)), ScheduledDate.At(today.AddDays(11), new TimeOnly(9, 0)), ScheduledDate.At(today.AddDays(12), new TimeOnly(9, 0))])
        {
            TimeZone = "Africa/Kinshasa",
        };

        var (server, mock) = await BothAsync(t => t.Client.ScheduleAsync(request));
        AssertSameSend(server.Value, mock.Value);
        await AssertSameActionAsync(t => t.Client.PauseAsync(t.Pick(server, mock)));
        await AssertSameErrorAsync(t => t.Client.PauseAsync(t.Pick(server, mock)));
        await AssertSameActionAsync(t => t.Client.ResumeAsync(t.Pick(server, mock)));
        await AssertSameErrorAsync(t => t.Client.ResumeAsync(t.Pick(server, mock)));
        var (statusServer, statusMock) = await BothAsync(t => t.Client.GetStatusAsync(t.Pick(server, mock)));
        Assert.That(statusMock.Value.Occurrences!.Select(o => (o.Sequence, o.ScheduledAt, o.Status)),
            Is.EqualTo(statusServer.Value.Occurrences!.Select(o => (o.Sequence, o.ScheduledAt, o.Status))));
        await AssertSameActionAsync(t => t.Client.CancelAsync(t.Pick(server, mock)));
        await AssertSameErrorAsync(t => t.Client.CancelAsync(t.Pick(server, mock)));
        var (balanceServer, balanceMock) = await BothAsync(t => t.Client.GetBalanceAsync());
        Assert.That(balanceMock.Value, Is.EqualTo(balanceServer.Value), "everything refunded on both");
    }

    [Test]
    public async Task Calculations_and_refusals_agree()
    {
        var (budgetServer, budgetMock) = await BothAsync(t => t.Client.CalculateAsync(3.33m));
        var send = CalculateRequest.ForSend(new SendRequest(["+14155550100", "+14155550101"], "Ünïcödé text that needs UCS-2 " + new string('x', 60)));
        var (quoteServer, quoteMock) = await BothAsync(t => t.Client.CalculateAsync(send));
        Assert.Multiple(() =>
        {
            Assert.That(budgetMock.Value, Is.EqualTo(budgetServer.Value));
            Assert.That(quoteMock.Value, Is.EqualTo(quoteServer.Value));
        });

        await AssertSameErrorAsync(t => t.Client.SendAsync(new SendRequest(Enumerable.Range(0, 600).Select(i => "+1415555" + i.ToString("D4", System.Globalization.CultureInfo.InvariantCulture)).ToArray(), "Too dear")));
        await AssertSameErrorAsync(t => t.Client.GetStatusAsync("0123456789abcdef01234567"));
        await AssertSameErrorAsync(t => t.Client.CancelAsync("0123456789abcdef01234567"));
    }

    [Test]
    public async Task An_idempotency_key_replays_and_conflicts_the_same_way()
    {
        var first = new SendRequest(["+14155550100"], "Parity: order 42") { IdempotencyKey = "parity-order-42" };
        var (server, mock) = await BothAsync(t => t.Client.SendAsync(first));
        var (againServer, againMock) = await BothAsync(t => t.Client.SendAsync(first));
        Assert.Multiple(() =>
        {
            Assert.That(againServer.Value.MessageId, Is.EqualTo(server.Value.MessageId));
            Assert.That(againMock.Value.MessageId, Is.EqualTo(mock.Value.MessageId));
            Assert.That(againMock.GetHeader("Idempotent-Replayed"), Is.EqualTo(againServer.GetHeader("Idempotent-Replayed")).And.EqualTo("true"));
        });

        await AssertSameErrorAsync(t => t.Client.SendAsync(new SendRequest(["+14155550100"], "Parity: another body") { IdempotencyKey = "parity-order-42" }));
    }

    [Test]
    public async Task Every_success_answer_has_the_same_members()
    {
        var sent = await BothAsync(t => t.Client.SendAsync(["+14155550100"], "Parity: members"));
        var paths = new (HttpMethod Method, string Path, string? Body)[]
        {
            (HttpMethod.Post, "send", """{"to":["+14155550101"],"message":"Parity: raw"}"""),
            (HttpMethod.Get, "status/{id}", null),
            (HttpMethod.Get, "balance", null),
            (HttpMethod.Post, "calculate", """{"budget":1}"""),
            (HttpMethod.Post, "calculate", """{"to":["+14155550101"],"message":"Hi"}"""),
            (HttpMethod.Get, "health", null),
        };

        foreach (var (method, path, body) in paths)
        {
            var server = await RawAsync(_server.Http, _serverKey, method, path.Replace("{id}", sent.Server.Value.MessageId, StringComparison.Ordinal), body);
            using var mockHttp = new HttpClient { BaseAddress = new Uri(_mock.Url, TestServer.ApiPath.TrimStart('/')) };
            var mock = await RawAsync(mockHttp, _mock.ApiKey, method, path.Replace("{id}", sent.Mock.Value.MessageId, StringComparison.Ordinal), body);
            Assert.Multiple(() =>
            {
                Assert.That(mock.Status, Is.EqualTo(server.Status), path);
                Assert.That(Members(mock.Json), Is.EqualTo(Members(server.Json)), $"{method} {path}: {mock.Json.GetRawText()} against {server.Json.GetRawText()}");
                Assert.That(mock.Headers, Is.EqualTo(server.Headers), $"{method} {path}: the contract's headers");
            });
        }
    }

    private async Task<(T Server, T Mock)> BothAsync<T>(Func<Side, Task<T>> call)
        => (await call(new Side(_toServer, IsMock: false)), await call(new Side(_toMock, IsMock: true)));

    private async Task AssertSameActionAsync(Func<Side, Task<LisolooResponse<MessageActionResult>>> call)
    {
        var (server, mock) = await BothAsync(call);
        Assert.That(mock.Value with { MessageId = string.Empty }, Is.EqualTo(server.Value with { MessageId = string.Empty }));
    }

    private async Task AssertSameErrorAsync<T>(Func<Side, Task<T>> call)
    {
        var server = Assert.ThrowsAsync<LisolooApiException>(() => call(new Side(_toServer, IsMock: false)))!;
        var mock = Assert.ThrowsAsync<LisolooApiException>(() => call(new Side(_toMock, IsMock: true)))!;
        await Task.CompletedTask;
        Assert.Multiple(() =>
        {
            Assert.That((mock.Status, mock.ErrorCode), Is.EqualTo((server.Status, server.ErrorCode)), server.Message);
            Assert.That(mock.ErrorMessage, Is.EqualTo(server.ErrorMessage));
            Assert.That(mock.FieldErrors, Is.EqualTo(server.FieldErrors));
            Assert.That((mock.RequiredAmount, mock.AvailableAmount), Is.EqualTo((server.RequiredAmount, server.AvailableAmount)));
        });
    }

    private static void AssertSameSend(SendResult server, SendResult mock)
        => Assert.That(mock with { MessageId = string.Empty, FirstSendAt = null }, Is.EqualTo(server with { MessageId = string.Empty, FirstSendAt = null }));

    private static async Task<MessageStatus> UntilFinalAsync(LisolooClient client, string messageId)
    {
        MessageStatus status = null!;
        await Wait.UntilAsync(
            async () => (status = (await client.GetStatusAsync(messageId)).Value).Recipients.All(r => r.Status.IsTerminal),
            TimeSpan.FromSeconds(20),
            "every recipient final");
        return status;
    }

    private static string[] Outcomes(MessageStatus status)
        => [.. status.Recipients.OrderBy(r => r.To, StringComparer.Ordinal).Select(r => $"{r.To} {r.Status} {r.ErrorCode} {r.ErrorMessage}")];

    private static async Task<(int Status, JsonElement Json, string[] Headers)> RawAsync(HttpClient http, string key, HttpMethod method, string path, string? body)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("app-key", key);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var response = await http.SendAsync(request);
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        string[] contract = ["Content-Type", "X-Request-Id", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After"];
        var headers = contract.Where(h => response.Headers.NonValidated.Contains(h) || response.Content.Headers.NonValidated.Contains(h)).ToArray();
        return ((int)response.StatusCode, doc.RootElement.Clone(), headers);
    }

    /// <summary>Member names, recursively into objects and the first element of arrays; maps keyed by data (counts, checks, timestamps) by their own level only.</summary>
    private static string[] Members(JsonElement element, string prefix = "")
    {
        var names = new List<string>();
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in element.EnumerateObject())
            {
                var name = prefix + property.Name;
                names.Add(name);
                if (property.Name is not ("counts" or "checks" or "timestamps" or "request_id"))
                {
                    names.AddRange(Members(property.Value, name + "."));
                }
            }
        }
        else if (element.ValueKind == JsonValueKind.Array && element.GetArrayLength() > 0)
        {
            names.AddRange(Members(element[0], prefix + "[]."));
        }

        return [.. names.Order(StringComparer.Ordinal)];
    }

    /// <summary>One of the two targets: its client, and whether it is the mock (to pick that side's message id).</summary>
    private sealed record Side(LisolooClient Client, bool IsMock)
    {
        public string Pick(LisolooResponse<SendResult> server, LisolooResponse<SendResult> mock) => (IsMock ? mock : server).Value.MessageId;
    }
}
