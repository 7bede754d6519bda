using System.Net;
using System.Net.Http.Headers;
using Polly.Timeout;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>Attempt and total timeouts, and the caller's own cancellation, on the fake clock.</summary>
public sealed class LisolooResilienceTimeoutTests
{
    private static readonly TimeSpan RealDeadline = TimeSpan.FromSeconds(10);

    [Test]
    public async Task AttemptTimeout_IsRetriedThenSucceeds()
    {
        using var harness = ResilienceHarness.Create(o => o.AttemptTimeout = TimeSpan.FromSeconds(10));
        harness.Server.ThenHang().Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        await harness.Server.WaitForRequestsAsync(1);
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        var delays = await harness.DriveAsync(call);
        var response = await call;

        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(200));
            Assert.That(harness.Server.Count, Is.EqualTo(2));
            Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(1) }));
        });
    }

    [Test]
    public async Task AttemptTimeout_OnEveryAttempt_SurfacesAsTimeoutOfTheAttempt()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 1;
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromMinutes(5);
        });
        harness.Server.AlwaysHang();

        var call = harness.Client.GetBalanceAsync();
        await harness.Server.WaitForRequestsAsync(1);
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        await harness.Clock.AdvanceThroughNextDelayAsync();
        await harness.Server.WaitForRequestsAsync(2);
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call.WaitAsync(RealDeadline));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Timeout));
            Assert.That(ex.Attempts, Is.EqualTo(2));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(ex.InnerException, Is.InstanceOf<TimeoutRejectedException>());
            Assert.That(((TimeoutRejectedException)ex.InnerException!).Timeout, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(ex.Message, Does.Contain("attempt timeout").And.Contain("10 s"));
            Assert.That(harness.Clock.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(21)));
        });
    }

    [Test]
    public async Task TotalTimeout_DuringAnAttempt_SurfacesAsTimeoutOfTheCall()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 3;
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(15);
        });
        harness.Server.AlwaysHang();

        var call = harness.Client.GetBalanceAsync();
        await harness.Server.WaitForRequestsAsync(1);
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        await harness.Clock.AdvanceThroughNextDelayAsync();
        await harness.Server.WaitForRequestsAsync(2);
        harness.Clock.Advance(TimeSpan.FromSeconds(4));
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call.WaitAsync(RealDeadline));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Timeout));
            Assert.That(ex.Attempts, Is.EqualTo(2));
            Assert.That(((TimeoutRejectedException)ex.InnerException!).Timeout, Is.EqualTo(TimeSpan.FromSeconds(15)));
            Assert.That(ex.Message, Does.Contain("total timeout").And.Contain("15 s"));
            Assert.That(harness.Clock.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(15)));
        });
    }

    [Test]
    public async Task TotalTimeout_DuringABackoffWait_CountsOnlyTheAttemptsMade()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.AttemptTimeout = TimeSpan.FromSeconds(10);
            o.TotalTimeout = TimeSpan.FromSeconds(20);
        });
        harness.Server.Always(503, null, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(45)));

        var call = harness.Client.GetBalanceAsync();
        Assert.That(await harness.Clock.NextDelayAsync(), Is.EqualTo(TimeSpan.FromSeconds(45)));
        harness.Clock.Advance(TimeSpan.FromSeconds(20));
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call.WaitAsync(RealDeadline));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Timeout));
            Assert.That(ex.Message, Does.Contain("total timeout"));
            Assert.That(harness.Server.Count, Is.EqualTo(1));
            Assert.That(ex.Attempts, Is.EqualTo(1), "the retry whose wait was cut short never happened");
        });
    }

    [Test]
    public async Task AttemptTimeout_OnWrite_RetriesWithTheSameIdempotencyKey()
    {
        using var harness = ResilienceHarness.Create(o => o.AttemptTimeout = TimeSpan.FromSeconds(10));
        harness.Server.ThenHang().Always(HttpStatusCode.Created);

        var call = harness.Client.SendAsync(["+243998857000"], "Hi");
        await harness.Server.WaitForRequestsAsync(1);
        harness.Clock.Advance(TimeSpan.FromSeconds(10));
        await harness.DriveAsync(call);
        await call;

        var keys = harness.Server.Requests.Select(r => r.IdempotencyKey).ToArray();
        Assert.That(keys, Has.Length.EqualTo(2).And.All.Not.Null);
        Assert.That(keys[1], Is.EqualTo(keys[0]));
    }

    [Test]
    public async Task CallerCancellation_DuringBackoff_ThrowsOperationCanceledPromptly()
    {
        using var harness = ResilienceHarness.Create(o => o.BaseDelay = TimeSpan.FromSeconds(20));
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);
        using var cts = new CancellationTokenSource();

        var call = harness.Client.GetBalanceAsync(cts.Token);
        Assert.That(await harness.Clock.NextDelayAsync(), Is.EqualTo(TimeSpan.FromSeconds(20)));
        await cts.CancelAsync();

        // The clock never moves: only the cancellation can end the wait.
        var ex = Assert.CatchAsync<OperationCanceledException>(() => call.WaitAsync(RealDeadline));

        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.Not.InstanceOf<LisolooApiException>());
            Assert.That(ex!.CancellationToken, Is.EqualTo(cts.Token));
            Assert.That(harness.Server.Count, Is.EqualTo(1));
            Assert.That(harness.Clock.Elapsed, Is.EqualTo(TimeSpan.Zero));
        });
    }

    [Test]
    public async Task CallerCancellation_DuringAnAttempt_ThrowsOperationCanceledNotTimeout([ValueSource(typeof(Calls), nameof(Calls.All))] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.AlwaysHang();
        using var cts = new CancellationTokenSource();

        var call = Calls.Run(harness.Client, operation, cts.Token);
        await harness.Server.WaitForRequestsAsync(1);
        await cts.CancelAsync();

        var ex = Assert.CatchAsync<OperationCanceledException>(() => call.WaitAsync(RealDeadline));
        Assert.Multiple(() =>
        {
            Assert.That(ex, Is.Not.InstanceOf<LisolooApiException>());
            Assert.That(harness.Server.Count, Is.EqualTo(1), "a cancelled attempt is not retried");
        });
    }

    [Test]
    public void CallerCancellation_BeforeTheCall_SendsNothing()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.OK);

        Assert.CatchAsync<OperationCanceledException>(() => harness.Client.GetBalanceAsync(new CancellationToken(canceled: true)));
        Assert.That(harness.Server.Count, Is.Zero);
    }

    [Test]
    public async Task CallerCancellation_IsNotCountedByTheCircuitBreaker()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 0;
            o.FailureRatio = 0.5;
            o.MinimumThroughput = 2;
        });
        harness.Server.ThenHang().ThenHang().ThenHang().Always(HttpStatusCode.OK);

        for (var i = 1; i <= 3; i++)
        {
            using var cts = new CancellationTokenSource();
            var call = harness.Client.GetBalanceAsync(cts.Token);
            await harness.Server.WaitForRequestsAsync(i);
            await cts.CancelAsync();
            Assert.CatchAsync<OperationCanceledException>(() => call.WaitAsync(RealDeadline));
        }

        var response = await harness.Client.GetBalanceAsync();
        Assert.That(response.Status, Is.EqualTo(200));
    }

    [Test]
    public void ResilienceDisabled_HttpClientTimeout_SurfacesAsTimeout()
    {
        // Without the SDK handler, HttpClient.Timeout is what times a call out; it maps to the same kind.
        using var server = new RecordingHandler().AlwaysHang();
        using var http = new HttpClient(server) { Timeout = TimeSpan.FromMilliseconds(50) };
        using var client = new LisolooClient(new LisolooClientOptions { ApiKey = Client.TestClients.TestKey }, http);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.Timeout));
            Assert.That(ex.Attempts, Is.EqualTo(1));
        });
    }
}
