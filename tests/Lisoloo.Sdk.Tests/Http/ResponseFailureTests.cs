using System.Net;
using System.Text.Json;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>
/// What reaches the caller when the answer is not what the contract promises: always a <see cref="LisolooApiException"/>
/// of a telling kind, never a <see cref="NullReferenceException"/> or a raw <see cref="JsonException"/>.
/// </summary>
public sealed class ResponseFailureTests
{
    private static readonly string?[] MalformedSuccessBodies =
    [
        null,
        "",
        " ",
        "null",
        "{}",
        "[]",
        "\"data\"",
        "42",
        "not json",
        "<html><body>Bad gateway</body></html>",
        """{"status_code":200}""",
        """{"status_code":200,"data":null}""",
        """{"status_code":200,"data":"oops"}""",
        """{"status_code":200,"data":[1,2]}""",
        """{"status_code":200,"data":{""",
        """{"status_code":200,"data":{"balance":"lots","status":42,"message_id":7,"recipients":{}}}""",
        """{"status_code":"two hundred","data":{}}""",
    ];

    [Test]
    public void MalformedSuccessBody_IsInvalidResponse([ValueSource(nameof(MalformedSuccessBodies))] string? body, [ValueSource(typeof(Calls), nameof(Calls.All))] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.OK, body, r => r.Headers.Add("X-Request-Id", "req_bad"));

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => Calls.Run(harness.Client, operation));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.InvalidResponse));
            Assert.That(ex.Status, Is.EqualTo(200));
            Assert.That(ex.RequestId, Is.EqualTo("req_bad"));
            Assert.That(ex.IsTransient, Is.False);
            Assert.That(ex.Attempts, Is.EqualTo(1), "a success status is not retried, whatever its body");
            Assert.That(ex.InnerException, Is.Null.Or.InstanceOf<JsonException>());
            Assert.That(ex.Message, Does.Contain("200"));
        });
    }

    [Test]
    public void EmptySuccessBody_SaysSo()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.Created, null);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.SendAsync(["+243998857000"], "Hi"));

        Assert.That(ex!.Message, Does.Contain("empty body"));
    }

    private static readonly string?[] MalformedErrorBodies = [null, "", "null", "oops", "<html>502</html>", "[]", """{"error_code":"x"}""", """{"errors":[null]}"""];

    [Test]
    public void MalformedErrorBody_IsStillAnApiErrorWithTheStatus([ValueSource(nameof(MalformedErrorBodies))] string? body, [Values(400, 404, 502)] int status)
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        harness.Server.Always(status, body);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetStatusAsync(Calls.MessageId));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
            Assert.That(ex.Status, Is.EqualTo(status));
            Assert.That(ex.Message, Does.Contain(status.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            Assert.That(ex.FieldErrors, Is.Not.Null);
        });
    }

    [Test]
    public void UnhealthyHealth_WithHealthBody_IsReturnedNotThrown()
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        harness.Server.Always(HttpStatusCode.ServiceUnavailable, """{"status_code":503,"data":{"status":"unhealthy","checks":{"store":{"status":"unhealthy"}}}}""");

        var response = harness.Client.GetHealthAsync().GetAwaiter().GetResult();

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(503));
            Assert.That(response.Value.IsHealthy, Is.False);
        });
    }

    [Test]
    public void UnhealthyHealth_WithGarbageBody_IsAnApiError()
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        harness.Server.Always(HttpStatusCode.ServiceUnavailable, "<html>down</html>");

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetHealthAsync());

        Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
    }

    [Test]
    public void BodyThatFailsWhileReading_IsNetwork()
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        harness.Server.Always((_, _) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new BrokenContent() }));

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Network));
            Assert.That(ex.IsTransient, Is.True);
        });
    }

    [Test]
    public void FailureKinds_AreDistinctForEachCause()
    {
        // One row per kind the client can raise, side by side.
        using var api = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        api.Server.Always(HttpStatusCode.Unauthorized, """{"status_code":401,"error_code":1003,"message":"Unknown key."}""");
        using var network = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        network.Server.AlwaysThrow(() => new HttpRequestException("refused"));
        using var invalid = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        invalid.Server.Always(HttpStatusCode.OK, "nope");

        Assert.Multiple(() =>
        {
            Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => api.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
            Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => network.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.Network));
            Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => invalid.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.InvalidResponse));
        });
    }

    /// <summary>Content whose stream breaks, as a connection reset mid-body would.</summary>
    private sealed class BrokenContent : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
            => Task.FromException(new IOException("Connection reset by peer"));

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
