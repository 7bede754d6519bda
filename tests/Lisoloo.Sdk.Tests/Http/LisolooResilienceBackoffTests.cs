using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>
/// The delays the resilience handler waits between attempts: exponential backoff (with or without jitter), its cap,
/// and the server's <c>Retry-After</c> in both of its forms. Every delay is read from the fake clock's armed timers, and
/// advancing the clock by one tick less than the delay must not release the next attempt.
/// </summary>
public sealed class LisolooResilienceBackoffTests
{
    private static readonly TimeSpan Tick = TimeSpan.FromTicks(1);

    [Test]
    public async Task Backoff_WithoutJitter_DoublesFromBaseDelay()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 4;
            o.BaseDelay = TimeSpan.FromSeconds(1);
        });
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);

        Assert.ThrowsAsync<LisolooApiException>(() => call);
        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.EqualTo(new[] { 1, 2, 4, 8 }.Select(s => TimeSpan.FromSeconds(s))));
            Assert.That(harness.LoggedDelays, Is.EqualTo(delays), "the logged delay is the one waited");
            Assert.That(harness.Clock.Elapsed, Is.EqualTo(TimeSpan.FromSeconds(15)));
        });
    }

    [Test]
    public async Task Backoff_NextAttempt_WaitsForTheWholeDelay()
    {
        using var harness = ResilienceHarness.Create(o => o.BaseDelay = TimeSpan.FromSeconds(3));
        harness.Server.Then(HttpStatusCode.ServiceUnavailable).Then(HttpStatusCode.ServiceUnavailable).Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        foreach (var expected in new[] { TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6) })
        {
            var attempts = harness.Server.Count;
            var delay = await harness.Clock.NextDelayAsync();
            Assert.That(delay, Is.EqualTo(expected));

            // The armed timer has not fired, so nothing can have sent the next attempt yet.
            harness.Clock.Advance(delay - Tick);
            Assert.That(harness.Server.Count, Is.EqualTo(attempts));

            harness.Clock.Advance(Tick);
            await harness.Server.WaitForRequestsAsync(attempts + 1);
        }

        var response = await call;
        Assert.That(response.Status, Is.EqualTo(200));
    }

    [Test]
    public async Task Backoff_WithoutJitter_IsCappedAtMaxDelay()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 5;
            o.BaseDelay = TimeSpan.FromSeconds(4);
            o.MaxDelay = TimeSpan.FromSeconds(10);
        });
        harness.Server.Always(HttpStatusCode.BadGateway);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);

        Assert.ThrowsAsync<LisolooApiException>(() => call);
        Assert.That(delays, Is.EqualTo(new[] { 4, 8, 10, 10, 10 }.Select(s => TimeSpan.FromSeconds(s))));
    }

    [Test]
    public async Task Backoff_Defaults_AreTwoSecondsDoublingWithJitterUnderThirtySeconds()
    {
        var defaults = new LisolooResilienceOptions();
        Assert.Multiple(() =>
        {
            Assert.That(defaults.MaxRetryAttempts, Is.EqualTo(3));
            Assert.That(defaults.BaseDelay, Is.EqualTo(TimeSpan.FromSeconds(2)));
            Assert.That(defaults.MaxDelay, Is.EqualTo(TimeSpan.FromSeconds(30)));
            Assert.That(defaults.UseJitter, Is.True);
        });

        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = defaults.MaxRetryAttempts;
            o.BaseDelay = defaults.BaseDelay;
            o.MaxDelay = defaults.MaxDelay;
            o.UseJitter = defaults.UseJitter;
        });
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);

        Assert.ThrowsAsync<LisolooApiException>(() => call);
        Assert.That(delays, Has.Count.EqualTo(3).And.All.InRange(TimeSpan.Zero, defaults.MaxDelay));
    }

    /// <summary>
    /// Jittered exponential backoff is Polly's decorrelated jitter ("V2"). Its documented envelope for retry <c>t</c>
    /// (0-based) with base delay <c>f</c>: between 0 and <c>f·2^(t+1)</c> for t = 0, 1, and <c>f·(2^(t+1) − 2^(t−1))</c>
    /// from t = 2; medians grow about twofold per retry. Individual delays may shrink (that is the point of jitter), so
    /// growth is asserted on the mean of many calls, with a margin of more than six standard errors.
    /// </summary>
    [Test]
    public async Task Backoff_WithJitter_StaysWithinDocumentedBoundsAndGrowsOnAverage()
    {
        const int Calls = 200;
        var f = TimeSpan.FromSeconds(1);
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 4;
            o.BaseDelay = f;
            o.MaxDelay = TimeSpan.FromMinutes(5);
            o.UseJitter = true;
            o.CircuitBreakerEnabled = false;
        });
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);

        var samples = new List<IReadOnlyList<TimeSpan>>();
        for (var i = 0; i < Calls; i++)
        {
            var call = harness.Client.GetBalanceAsync();
            samples.Add(await harness.DriveAsync(call));
            Assert.ThrowsAsync<LisolooApiException>(() => call);
        }

        double[] upper = [2, 4, 8 - 2, 16 - 4];
        var means = new double[4];
        for (var t = 0; t < 4; t++)
        {
            var column = samples.Select(s => s[t]).ToArray();
            Assert.That(column, Is.All.InRange(TimeSpan.Zero, f * upper[t]), $"retry {t + 1} within the documented envelope");
            means[t] = column.Average(d => d.TotalSeconds);
        }

        Assert.Multiple(() =>
        {
            Assert.That(samples, Is.All.Count.EqualTo(4));
            Assert.That(means, Is.Ordered.Ascending, "delays grow on average: " + string.Join(", ", means.Select(m => m.ToString("0.000", CultureInfo.InvariantCulture))));
            Assert.That(means[3], Is.GreaterThan(2 * means[1]));
            Assert.That(samples.Select(s => s[0]).Distinct().Count(), Is.GreaterThan(Calls / 2), "jitter spreads the first delay");
        });
    }

    [Test]
    public async Task Backoff_WithJitter_IsCappedAtMaxDelay()
    {
        var max = TimeSpan.FromMilliseconds(1500);
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 6;
            o.BaseDelay = TimeSpan.FromSeconds(1);
            o.MaxDelay = max;
            o.UseJitter = true;
            o.CircuitBreakerEnabled = false;
        });
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 50; i++)
        {
            var call = harness.Client.GetBalanceAsync();
            var waited = await harness.DriveAsync(call);
            Assert.ThrowsAsync<LisolooApiException>(() => call);
            Assert.That(waited, Has.Count.EqualTo(6));
            delays.AddRange(waited);
        }

        // Uncapped, most delays from the fourth retry on exceed 1.5 s (their mean is above 4 s); jitter still lets
        // some fall below, so the cap is asserted as an upper bound that is actually reached.
        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.All.InRange(TimeSpan.Zero, max));
            Assert.That(delays, Has.Some.EqualTo(max));
        });
    }

    [Test]
    public async Task RetryAfter_DeltaSeconds_IsWaitedInsteadOfTheBackoff([Values(429, 503)] int status)
    {
        using var harness = ResilienceHarness.Create(o => o.UseJitter = true);
        harness.Server.Then(status, null, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(7))).Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        var delay = await harness.Clock.NextDelayAsync();
        harness.Clock.Advance(delay - Tick);
        Assert.That(harness.Server.Count, Is.EqualTo(1));
        harness.Clock.Advance(Tick);
        await call;

        Assert.Multiple(() =>
        {
            Assert.That(delay, Is.EqualTo(TimeSpan.FromSeconds(7)));
            Assert.That(harness.Server.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task RetryAfter_HttpDate_IsWaitedUntilThatTime()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server
            .Then(429, null, r => r.Headers.TryAddWithoutValidation("Retry-After", FakeClock.Epoch.AddSeconds(12).ToString("r", CultureInfo.InvariantCulture)))
            .Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);
        await call;

        Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(12) }));
    }

    [Test]
    public async Task RetryAfter_HttpDate_IsMeasuredFromTheServersDateHeader()
    {
        // The server's clock runs 100 s behind ours: "retry at its now + 5 s" still means "wait 5 s".
        using var harness = ResilienceHarness.Create();
        var serverNow = FakeClock.Epoch.AddSeconds(-100);
        harness.Server
            .Then(503, null, r =>
            {
                r.Headers.Date = serverNow;
                r.Headers.RetryAfter = new RetryConditionHeaderValue(serverNow.AddSeconds(5));
            })
            .Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);
        await call;

        Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(5) }));
    }

    [Test]
    public async Task RetryAfter_InThePastOrZero_RetriesAtOnce([Values("0", "Mon, 01 Jun 2026 07:59:00 GMT")] string retryAfter)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Then(429, null, r => r.Headers.TryAddWithoutValidation("Retry-After", retryAfter)).Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);
        await call;

        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.Empty);
            Assert.That(harness.Clock.Elapsed, Is.EqualTo(TimeSpan.Zero));
            Assert.That(harness.Server.Count, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task RetryAfter_LongerThanMaxDelay_IsStillHonouredUpToMaxRetryAfter()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxDelay = TimeSpan.FromSeconds(5);
            o.MaxRetryAfter = TimeSpan.FromSeconds(60);
        });
        harness.Server.Then(429, null, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(60))).Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);
        await call;

        Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(60) }), "exactly MaxRetryAfter is still waited");
    }

    [Test]
    public void RetryAfter_BeyondMaxRetryAfter_IsNotWaitedAndTheAnswerSurfaces([Values("120", "Mon, 01 Jun 2026 08:02:00 GMT")] string retryAfter)
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAfter = TimeSpan.FromSeconds(60));
        harness.Server.Always(429, """{"status_code":429,"error_code":1301,"message":"Too many requests."}""", r => r.Headers.TryAddWithoutValidation("Retry-After", retryAfter));

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(1));
            Assert.That(harness.Clock.TryTakeDelay(out _), Is.False, "no wait was armed");
            Assert.That(ex!.Status, Is.EqualTo(429));
            Assert.That(ex.ErrorCode, Is.EqualTo(LisolooErrorCodes.RateLimitExceeded));
            Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(120)), "the caller learns how long to wait");
            Assert.That(ex.Attempts, Is.EqualTo(1));
            Assert.That(ex.IsTransient, Is.True);
        });
    }

    [Test]
    public async Task RetryAfter_OnLastAttempt_SurfacesOnTheException([Values("9", "Mon, 01 Jun 2026 08:00:09 GMT")] string retryAfter)
    {
        using var harness = ResilienceHarness.Create(o => o.MaxRetryAttempts = 0);
        harness.Server.Always(503, null, r => r.Headers.TryAddWithoutValidation("Retry-After", retryAfter));

        var call = harness.Client.SendAsync(["+243998857000"], "Hi");
        await harness.DriveAsync(call);
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call);

        Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(9)));
    }

    [Test]
    public async Task RetryAfter_OnPermanentError_IsIgnored()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(400, null, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3)));

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);

        Assert.ThrowsAsync<LisolooApiException>(() => call);
        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.Empty);
            Assert.That(harness.Server.Count, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task RetryAfter_OnFollowingAttemptsWithout_FallsBackToBackoff()
    {
        using var harness = ResilienceHarness.Create(o => o.BaseDelay = TimeSpan.FromSeconds(1));
        harness.Server
            .Then(429, null, r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(20)))
            .Then(HttpStatusCode.ServiceUnavailable)
            .Always(HttpStatusCode.OK);

        var call = harness.Client.GetBalanceAsync();
        var delays = await harness.DriveAsync(call);
        await call;

        Assert.That(delays, Is.EqualTo(new[] { TimeSpan.FromSeconds(20), TimeSpan.FromSeconds(2) }));
    }
}
