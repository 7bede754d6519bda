using System.Net;
using System.Text.Json;
using RichardSzalay.MockHttp;

namespace Lisoloo.Sdk.Tests.Client;

public sealed class LisolooClientTests
{
    private const string SendOk = """
        {"status_code":201,"data":{"message_id":"507f1f77bcf86cd799439011","total_recipients":1,"total_messages":1,
        "total_cost":0.02,"currency":"USD","status":"pending","sending_type":"immediate","segments":1,"encoding":"gsm7"}}
        """;

    [Test]
    public async Task SendAsync_Created_ReturnsTypedBodyStatusAndRequestId()
    {
        using var mock = new MockHttpMessageHandler();
        mock.Expect(HttpMethod.Post, TestClients.Root + "send")
            .WithHeaders("app-key", TestClients.TestKey)
            .Respond(HttpStatusCode.Created, [new("X-Request-Id", "req_123")], "application/json", SendOk);
        using var client = TestClients.Create(mock);

        var response = await client.SendAsync(["+243998857000"], "Hello from Lisoloo!", "MYAPP");

        mock.VerifyNoOutstandingExpectation();
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(201));
            Assert.That(response.RequestId, Is.EqualTo("req_123"));
            Assert.That(response.Value.MessageId, Is.EqualTo("507f1f77bcf86cd799439011"));
            Assert.That(response.Value.TotalCost, Is.EqualTo(0.02m));
            Assert.That(response.Value.Status, Is.EqualTo(SmsStatus.Pending));
            Assert.That(response.Value.SendingType, Is.EqualTo(SendingType.Immediate));
            Assert.That(response.Value.Encoding, Is.EqualTo(SmsEncoding.Gsm7));
        });
    }

    [TestCase("../balance", "..%2Fbalance")]
    [TestCase("a/b?c=d#e", "a%2Fb%3Fc%3Dd%23e")]
    [TestCase("id with spaces", "id%20with%20spaces")]
    public void MessageId_IsOnePathSegment_EscapedWhateverItHolds(string messageId, string escaped)
    {
        using var recorder = new Http.RecordingHandler();
        recorder.Always(HttpStatusCode.NotFound, """{"status_code":404,"error_code":1401,"message":"No message with this id."}""");
        using var client = new LisolooClient(new LisolooClientOptions { ApiKey = TestClients.TestKey, BaseUrl = new Uri("https://api.test.local/") }, new HttpClient(recorder));

        Assert.ThrowsAsync<LisolooApiException>(() => client.GetStatusAsync(messageId));
        Assert.ThrowsAsync<LisolooApiException>(() => client.CancelAsync(messageId));

        Assert.That(recorder.Requests.Select(r => r.Uri.AbsoluteUri), Is.EqualTo(new[]
        {
            TestClients.Root + "status/" + escaped,
            TestClients.Root + "cancel/" + escaped,
        }));
    }

    [Test]
    public async Task SendAsync_Body_IsSnakeCaseWithoutNulls()
    {
        string? body = null;
        string? idempotencyKey = null;
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TestClients.Root + "send").With(request =>
        {
            body = request.Content!.ReadAsStringAsync().GetAwaiter().GetResult();
            idempotencyKey = request.Headers.TryGetValues("Idempotency-Key", out var v) ? v.Single() : null;
            return true;
        }).Respond(HttpStatusCode.Created, "application/json", SendOk);
        using var client = TestClients.Create(mock);

        await client.SendAsync(new SendRequest(["+243998857000"], "Hi") { SenderId = "KITOKO", CancelWithin = TimeSpan.FromSeconds(30) });

        using var doc = JsonDocument.Parse(body!);
        var names = doc.RootElement.EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That(names, Is.EquivalentTo(new[] { "to", "message", "sender_id", "sending_type", "cancel_within" }));
            Assert.That(doc.RootElement.GetProperty("sending_type").GetString(), Is.EqualTo("immediate"));
            Assert.That(doc.RootElement.GetProperty("cancel_within").GetInt32(), Is.EqualTo(30));
            Assert.That(idempotencyKey, Has.Length.EqualTo(32));
        });
    }

    [Test]
    public async Task SendAsync_Body_KeepsPlusSignsAndLettersUnescaped_AndEscapesWhatJsonRequires()
    {
        byte[]? body = null;
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TestClients.Root + "send").With(request =>
        {
            body = request.Content!.ReadAsByteArrayAsync().GetAwaiter().GetResult();
            return true;
        }).Respond(HttpStatusCode.Created, "application/json", SendOk);
        using var client = TestClients.Create(mock);
        const string Message = "Bonjour José, ваш код 4932 \"OK\"\n<b>&'";

        await client.SendAsync(["+243998857000"], Message);

        var raw = System.Text.Encoding.UTF8.GetString(body!);
        using var doc = JsonDocument.Parse(body);
        Assert.Multiple(() =>
        {
            Assert.That(raw, Does.Contain("\"+243998857000\""), "the number as written, not \\u002B");
            Assert.That(raw, Does.Contain("José, ваш код"), "letters as UTF-8, not \\uXXXX");
            Assert.That(raw, Does.Contain("\\\"OK\\\"\\n"), "quotes and control characters escaped");
            Assert.That(doc.RootElement.GetProperty("message").GetString(), Is.EqualTo(Message), "the same text once parsed");
        });
    }

    [Test]
    public void SendAsync_InsufficientBalance_ThrowsTypedErrorWithAmounts()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TestClients.Root + "send").Respond(
            (HttpStatusCode)402,
            "application/json",
            """{"status_code":402,"error_code":1201,"message":"Insufficient balance.","request_id":"req_9","details":{"required_amount":2.5,"available_amount":1.25,"currency":"USD"}}""");
        using var client = TestClients.Create(mock);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+243998857000"], "Hi"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
            Assert.That(ex.Status, Is.EqualTo(402));
            Assert.That(ex.ErrorCode, Is.EqualTo(LisolooErrorCodes.InsufficientBalance));
            Assert.That(ex.RequiredAmount, Is.EqualTo(2.5m));
            Assert.That(ex.AvailableAmount, Is.EqualTo(1.25m));
            Assert.That(ex.RequestId, Is.EqualTo("req_9"));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.Message, Does.Contain("InsufficientBalance"));
        });
    }

    [Test]
    public void SendAsync_ValidationError_ExposesFieldErrors()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TestClients.Root + "send").Respond(
            HttpStatusCode.BadRequest,
            "application/json",
            """{"status_code":400,"error_code":1100,"message":"Invalid request.","errors":[{"field":"to[3]","error_code":1103,"message":"Not an E.164 number."}]}""");
        using var client = TestClients.Create(mock);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+243998857000"], "Hi"));

        Assert.That(ex!.FieldErrors, Has.Count.EqualTo(1));
        Assert.Multiple(() =>
        {
            Assert.That(ex.FieldErrors[0].Field, Is.EqualTo("to[3]"));
            Assert.That(ex.FieldErrors[0].ErrorCode, Is.EqualTo(LisolooErrorCodes.InvalidRecipient));
            Assert.That(ex.Message, Does.Contain("to[3]"));
        });
    }

    [TestCase("")]
    [TestCase("not json")]
    [TestCase("{\"status_code\":201}")]
    [TestCase("[1,2,3]")]
    public void SendAsync_MalformedSuccessBody_ThrowsInvalidResponse(string body)
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TestClients.Root + "send").Respond(HttpStatusCode.Created, "application/json", body);
        using var client = TestClients.Create(mock);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+243998857000"], "Hi"));

        Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.InvalidResponse));
    }

    [Test]
    public void SendAsync_NetworkFailure_IsNetworkKindAndTransient()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Post, TestClients.Root + "send").Throw(new HttpRequestException("Connection refused"));
        using var client = TestClients.Create(mock);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(["+243998857000"], "Hi"));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Network));
            Assert.That(ex.IsTransient, Is.True);
        });
    }

    [Test]
    public async Task GetStatusAsync_UnknownFutureStatus_ParsesWithoutThrowing()
    {
        using var mock = new MockHttpMessageHandler();
        mock.When(HttpMethod.Get, TestClients.Root + "status/507f1f77bcf86cd799439011").Respond(
            "application/json",
            """{"status_code":200,"data":{"message_id":"507f1f77bcf86cd799439011","status":"teleported","sending_type":"immediate","recipients":[{"to":"+243998857000","status":"delivered","occurrence":1,"segments":1}]}}""");
        using var client = TestClients.Create(mock);

        var status = (await client.GetStatusAsync("507f1f77bcf86cd799439011")).Value;

        Assert.Multiple(() =>
        {
            Assert.That(status.Status.Value, Is.EqualTo("teleported"));
            Assert.That(status.Status.IsKnown, Is.False);
            Assert.That(status.Recipients[0].Status.IsTerminal, Is.True);
        });
    }

    [Test]
    public void ToString_NeverShowsTheKey()
    {
        using var mock = new MockHttpMessageHandler();
        using var client = TestClients.Create(mock);

        Assert.That(client.ToString(), Does.Not.Contain(TestClients.TestKey));
    }

    [Test]
    public void Constructor_LiveKeyAgainstSandboxUrl_IsRefused()
    {
        var options = new LisolooClientOptions
        {
            ApiKey = "sk_live_4f9a2c7e1b3d5f60a8c2e4b6",
            BaseUrl = new Uri("https://sandbox.test.local/"),
            BaseUrlEnvironment = LisolooEnvironment.Test,
        };

        var ex = Assert.Throws<ArgumentException>(() => new LisolooClient(options).Dispose());

        Assert.That(ex!.Message, Does.Not.Contain("4f9a2c7e1b3d5f60a8c2e4b6"));
    }
}
