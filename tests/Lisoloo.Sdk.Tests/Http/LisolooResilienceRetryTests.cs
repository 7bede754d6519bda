using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Headers;
using Lisoloo.Sdk.Http;
using Polly;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>Which answers and failures the resilience handler retries, and which requests it may retry at all.</summary>
public sealed class LisolooResilienceRetryTests
{
    private static readonly int[] TransientStatuses = [408, 429, 500, 502, 503, 504];

    private static readonly int[] PermanentStatuses = [400, 401, 402, 403, 404, 405, 409, 410, 413, 415, 422, 501];

    [Test]
    public async Task TransientStatus_OnRead_IsRetriedThenSucceeds([ValueSource(nameof(TransientStatuses))] int status, [ValueSource(typeof(Calls), nameof(Calls.RetriedReads))] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Then(status, """{"status_code":0,"error_code":1501,"message":"busy"}""").Always(HttpStatusCode.OK);

        var call = Calls.Run(harness.Client, operation);
        var delays = await harness.DriveAsync(call);
        await call;

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(2));
            Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
        });
    }

    [Test]
    public async Task TransientStatus_OnWrite_IsRetriedThenSucceeds([ValueSource(nameof(TransientStatuses))] int status, [ValueSource(typeof(Calls), nameof(Calls.Writes))] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Then(status, null).Always(HttpStatusCode.Created);

        var call = Calls.Run(harness.Client, operation);
        await harness.DriveAsync(call);
        await call;

        var (method, path) = Calls.Route(operation);
        Assert.That(harness.Server.Requests, Has.Count.EqualTo(2).And.All.Matches<RecordedRequest>(r => r.Method == method && r.Uri.AbsolutePath.EndsWith("/" + path, StringComparison.Ordinal)));
    }

    [Test]
    public async Task TransientStatus_EveryAttempt_GivesUpAfterMaxRetriesWithAttemptCount([ValueSource(nameof(TransientStatuses))] int status)
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAttempts = 3);
        harness.Server.Always(status, $$"""{"status_code":{{status}},"error_code":1501,"message":"Carrier route unavailable."}""");

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(4));
            Assert.That(delays, Has.Count.EqualTo(3));
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
            Assert.That(ex.Status, Is.EqualTo(status));
            Assert.That(ex.Attempts, Is.EqualTo(4));
            Assert.That(ex.IsTransient, Is.True);
        });
    }

    [Test]
    public void PermanentStatus_IsNotRetried([ValueSource(nameof(PermanentStatuses))] int status, [Values("send", "cancel", "balance")] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(status, $$"""{"status_code":{{status}},"error_code":1100,"message":"No."}""");

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => Calls.Run(harness.Client, operation));

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(1));
            Assert.That(harness.Clock.TryTakeDelay(out _), Is.False, "no backoff delay armed");
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
            Assert.That(ex.Status, Is.EqualTo(status));
            Assert.That(ex.Attempts, Is.EqualTo(1));
            Assert.That(ex.IsTransient, Is.False);
        });
    }

    [Test]
    public void InsufficientBalance_IsNotRetried()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(402, """{"status_code":402,"error_code":1201,"message":"Insufficient balance.","details":{"required_amount":2.5,"available_amount":1}}""");

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.SendAsync(["+243998857000"], "Hi"));

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(1));
            Assert.That(ex!.ErrorCode, Is.EqualTo(LisolooErrorCodes.InsufficientBalance));
            Assert.That(ex.Attempts, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task NetworkError_IsRetriedThenSucceeds([ValueSource(typeof(Calls), nameof(Calls.Retried))] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.ThenThrow(new HttpRequestException("Connection refused")).ThenThrow(new HttpRequestException("Connection reset")).Always(HttpStatusCode.OK);

        var call = Calls.Run(harness.Client, operation);
        var delays = await harness.DriveAsync(call);
        await call;

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(3));
            Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2) }));
        });
    }

    [Test]
    public async Task Health_IsTriedOnce_AndAnUnhealthyReportIsReturnedAtOnce()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.ServiceUnavailable, """{"status_code":503,"data":{"status":"unhealthy","checks":{"store":{"status":"unhealthy"}}}}""");

        var health = await harness.Client.GetHealthAsync();

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(1), "a health probe is not retried");
            Assert.That(health.Status, Is.EqualTo(503));
            Assert.That(health.Value.Status, Is.EqualTo("unhealthy"));
        });
    }

    [Test]
    public async Task Health_NetworkError_FailsAfterOneAttempt()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.AlwaysThrow(() => new HttpRequestException("Connection refused"));

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetHealthAsync());
        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Network));
            Assert.That(ex.Attempts, Is.EqualTo(1));
            Assert.That(harness.Server.Count, Is.EqualTo(1));
        });
        await Task.CompletedTask;
    }

    [Test]
    public async Task NetworkError_EveryAttempt_SurfacesAsNetworkWithAttemptCount()
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAttempts = 2);
        harness.Server.AlwaysThrow(() => new HttpRequestException("Name or service not known"));

        var call = harness.Client.SendAsync(["+243998857000"], "Hi");
        await harness.DriveAsync(call);
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(3));
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Network));
            Assert.That(ex.Attempts, Is.EqualTo(3));
            Assert.That(ex.Status, Is.Zero);
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(ex.InnerException, Is.InstanceOf<HttpRequestException>());
            Assert.That(ex.Message, Does.Contain("Name or service not known"));
        });
    }

    [Test]
    public void UnexpectedException_FromInnerHandler_IsNotRetried()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.AlwaysThrow(() => new InvalidOperationException("bug in a custom handler"));

        Assert.ThrowsAsync<InvalidOperationException>(() => harness.Client.GetBalanceAsync());
        Assert.That(harness.Server.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task MaxRetryAttemptsZero_MakesOneAttempt()
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call);

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(1));
            Assert.That(delays, Is.Empty);
            Assert.That(ex!.Attempts, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task Retry_IsLoggedWithAttemptDelayAndOutcome_AndResendsTheSameBody()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Then(HttpStatusCode.BadGateway).ThenThrow(new HttpRequestException("reset")).Always(HttpStatusCode.Created);

        var call = harness.Client.SendAsync(["+243998857000"], "Hello");
        await harness.DriveAsync(call);
        await call;

        var retries = harness.Logs.Records.Where(r => r.EventId.Id == 3).ToArray();
        Assert.That(retries, Has.Length.EqualTo(2));
        Assert.Multiple(() =>
        {
            Assert.That(retries[0].State["Attempt"], Is.EqualTo(1));
            Assert.That(retries[0].State["Outcome"], Is.EqualTo("502"));
            Assert.That(retries[0].State["DelayMs"], Is.EqualTo(1000L));
            Assert.That(retries[1].State["Attempt"], Is.EqualTo(2));
            Assert.That(retries[1].State["Outcome"], Is.EqualTo(nameof(HttpRequestException)));
            Assert.That(retries[1].State["Path"], Is.EqualTo("/api/v1/lisoloo/sms-api/send"));
            Assert.That(harness.Server.Requests.Select(r => r.Body).Distinct().Count(), Is.EqualTo(1), "every attempt sends the same body");
            Assert.That(harness.Server.Requests[0].Body, Does.Contain("Hello"));
        });
    }

    [Test]
    public async Task Retry_IsCountedOnTheRetriesMeter()
    {
        long retries = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == LisolooDiagnostics.Name && instrument.Name == "lisoloo.client.retries")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref retries, value));
        listener.Start();
        using var harness = ResilienceHarness.Create();
        harness.Server.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.ServiceUnavailable).Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        await harness.DriveAsync(call);
        await call;

        Assert.That(Interlocked.Read(ref retries), Is.EqualTo(2));
    }

    // The handler on its own, as a host would add it to an HttpClient of its own.
    [Test]
    public void Handler_PostWithoutIdempotencyKey_IsNotRetried([Values("POST", "PUT", "PATCH", "DELETE")] string method)
    {
        using var server = new RecordingHandler().Always(HttpStatusCode.ServiceUnavailable);
        var clock = FakeClock.For(new LisolooResilienceOptions());
        using var client = new HttpClient(ResilienceHarness.Handler(new LisolooResilienceOptions(), clock, server));
        using var request = new HttpRequestMessage(new HttpMethod(method), "https://api.test.local/x") { Content = new StringContent("{}") };

        using var response = client.Send(request);

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
            Assert.That(server.Count, Is.EqualTo(1));
            Assert.That(clock.TryTakeDelay(out _), Is.False);
        });
    }

    [Test]
    public void Handler_PostWithoutIdempotencyKey_NetworkErrorIsNotRetried()
    {
        using var server = new RecordingHandler().AlwaysThrow(() => new HttpRequestException("reset"));
        using var client = new HttpClient(ResilienceHarness.Handler(new LisolooResilienceOptions(), new FakeClock(), server));

        Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync("https://api.test.local/send", new StringContent("{}")));
        Assert.That(server.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task Handler_PostWithIdempotencyKey_IsRetried()
    {
        using var server = new RecordingHandler().Then(HttpStatusCode.ServiceUnavailable).Always(HttpStatusCode.Created);
        var clock = FakeClock.For(new LisolooResilienceOptions());
        using var client = new HttpClient(ResilienceHarness.Handler(new LisolooResilienceOptions { UseJitter = false }, clock, server));
        using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.test.local/send") { Content = new ByteArrayContent("{}"u8.ToArray()) };
        request.Headers.Add("Idempotency-Key", "order-42");

        var call = client.SendAsync(request);
        var delays = await ResilienceHarness.DriveAsync(clock, call);
        using var response = await call;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created));
            Assert.That(server.Requests.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { "order-42", "order-42" }));
            Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(2) }), "the default base delay");
        });
    }

    [Test]
    public async Task Handler_SafeMethodsWithoutKey_AreRetried([Values("GET", "HEAD", "OPTIONS")] string method)
    {
        using var server = new RecordingHandler().Then(HttpStatusCode.ServiceUnavailable).Always(HttpStatusCode.OK);
        var clock = FakeClock.For(new LisolooResilienceOptions());
        using var client = new HttpClient(ResilienceHarness.Handler(new LisolooResilienceOptions(), clock, server));
        using var request = new HttpRequestMessage(new HttpMethod(method), "https://api.test.local/balance");

        var call = client.SendAsync(request);
        await ResilienceHarness.DriveAsync(clock, call);
        using var response = await call;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(server.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Handler_SynchronousSend_RunsThePipelineToo()
    {
        using var server = new RecordingHandler().Then(HttpStatusCode.ServiceUnavailable).Always(HttpStatusCode.OK);
        var clock = FakeClock.For(new LisolooResilienceOptions());
        using var client = new HttpClient(ResilienceHarness.Handler(new LisolooResilienceOptions(), clock, server));
        using var request = new HttpRequestMessage(HttpMethod.Get, "https://api.test.local/balance");

        // HttpClient.Send is synchronous: it blocks its thread through the backoff wait, so run it beside the clock.
        var call = Task.Run(() => client.Send(request));
        await ResilienceHarness.DriveAsync(clock, call);
        using var response = await call;

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(server.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public void Handler_InvalidOptions_AreRefusedWithTheProblems()
    {
        var ex = Assert.Throws<ArgumentException>(() => new ResiliencePipelineBuilder<HttpResponseMessage>().AddLisolooResilience(new LisolooResilienceOptions { MaxRetryAttempts = -1, AttemptTimeout = TimeSpan.Zero }));

        Assert.That(ex!.Message, Does.Contain("MaxRetryAttempts").And.Contain("AttemptTimeout"));
    }

    [Test]
    public void Handler_OptionsChangedAfterCreation_DoNotAffectIt()
    {
        var options = new LisolooResilienceOptions { MaxRetryAttempts = 0 };
        using var server = new RecordingHandler().Always(HttpStatusCode.ServiceUnavailable);
        using var client = new HttpClient(ResilienceHarness.Handler(options, new FakeClock(), server));
        options.MaxRetryAttempts = 5;

        using var response = client.Send(new HttpRequestMessage(HttpMethod.Get, "https://api.test.local/balance"));

        Assert.That(server.Count, Is.EqualTo(1));
    }

    [Test]
    public void IsSafeToRetry_FollowsMethodAndIdempotencyKey()
    {
        using var keyed = new HttpRequestMessage(HttpMethod.Post, "https://x/");
        keyed.Headers.Add("Idempotency-Key", "k");

        Assert.Multiple(() =>
        {
            Assert.That(LisolooResilience.IsSafeToRetry(new HttpRequestMessage(HttpMethod.Get, "https://x/")), Is.True);
            Assert.That(LisolooResilience.IsSafeToRetry(new HttpRequestMessage(HttpMethod.Post, "https://x/")), Is.False);
            Assert.That(LisolooResilience.IsSafeToRetry(new HttpRequestMessage(HttpMethod.Delete, "https://x/")), Is.False);
            Assert.That(LisolooResilience.IsSafeToRetry(keyed), Is.True);
        });
    }

    [Test]
    public void RetryAfterHeaderType_ParsesBothForms()
    {
        // Guards the assumption the handler relies on: .NET parses both Retry-After forms into the typed header.
        using var seconds = new HttpResponseMessage();
        seconds.Headers.TryAddWithoutValidation("Retry-After", "7");
        using var date = new HttpResponseMessage();
        date.Headers.TryAddWithoutValidation("Retry-After", "Mon, 01 Jun 2026 08:00:12 GMT");

        Assert.Multiple(() =>
        {
            Assert.That(seconds.Headers.RetryAfter, Is.EqualTo(new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))));
            Assert.That(date.Headers.RetryAfter?.Date, Is.EqualTo(FakeClock.Epoch.AddSeconds(12)));
        });
    }
}
