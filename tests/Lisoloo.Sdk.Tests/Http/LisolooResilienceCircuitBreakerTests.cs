using System.Net;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>The circuit breaker: when it opens, what an open circuit looks like to the caller, and how it closes.</summary>
public sealed class LisolooResilienceCircuitBreakerTests
{
    private static ResilienceHarness CreateHarness(int maxRetryAttempts = 0) => ResilienceHarness.Create(o =>
    {
        o.MaxRetryAttempts = maxRetryAttempts;
        o.FailureRatio = 0.5;
        o.MinimumThroughput = 4;
        o.SamplingDuration = TimeSpan.FromSeconds(30);
        o.BreakDuration = TimeSpan.FromSeconds(5);
    });

    [Test]
    public void Circuit_OpensAfterMinimumThroughputOfFailures_ThenRejectsWithoutSending()
    {
        using var harness = CreateHarness();
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);

        for (var i = 1; i <= 4; i++)
        {
            var failure = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());
            Assert.That(failure!.Kind, Is.EqualTo(LisolooFailureKind.ApiError), $"call {i} reaches the server");
        }

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(harness.Server.Count, Is.EqualTo(4), "the fifth call was not sent");
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(ex.Attempts, Is.Zero, "no request was sent");
            Assert.That(ex.Status, Is.Zero);
            Assert.That(ex.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(5)), "the rest of the break");
            Assert.That(ex.Message, Does.Contain("circuit is open"));
        });
    }

    [Test]
    public void Circuit_BelowMinimumThroughput_StaysClosed()
    {
        using var harness = CreateHarness();
        harness.Server.Then(503).Then(503).Then(503).Always(HttpStatusCode.OK);

        for (var i = 0; i < 3; i++)
        {
            Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());
        }

        Assert.DoesNotThrowAsync(() => harness.Client.GetBalanceAsync());
        Assert.That(harness.Server.Count, Is.EqualTo(4));
    }

    [Test]
    public void Circuit_FailureRatioBelowThreshold_StaysClosed()
    {
        using var harness = CreateHarness();

        // One failure in four calls is a ratio of 0.25, under 0.5.
        harness.Server.Then(200).Then(200).Then(200).Then(503).Always(HttpStatusCode.OK);
        for (var i = 0; i < 3; i++)
        {
            Assert.DoesNotThrowAsync(() => harness.Client.GetBalanceAsync());
        }

        Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());
        Assert.DoesNotThrowAsync(() => harness.Client.GetBalanceAsync());
        Assert.That(harness.Server.Count, Is.EqualTo(5));
    }

    [Test]
    public void Circuit_FailureRatioAtThreshold_Opens()
    {
        using var harness = CreateHarness();
        harness.Server.Then(200).Then(503).Then(200).Then(503).Always(HttpStatusCode.OK);

        Assert.DoesNotThrowAsync(() => harness.Client.GetBalanceAsync());
        Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());
        Assert.DoesNotThrowAsync(() => harness.Client.GetBalanceAsync());
        Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());
        Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));
    }

    [Test]
    public void Circuit_PermanentErrors_DoNotCount([Values(400, 401, 402, 404, 409, 422)] int status)
    {
        using var harness = CreateHarness();
        harness.Server.Always(status);

        for (var i = 0; i < 10; i++)
        {
            var ex = Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
        }

        Assert.That(harness.Server.Count, Is.EqualTo(10));
    }

    [Test]
    public void Circuit_NetworkErrors_Count()
    {
        using var harness = CreateHarness();
        harness.Server.AlwaysThrow(() => new HttpRequestException("Connection refused"));

        for (var i = 0; i < 4; i++)
        {
            Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.Network));
        }

        Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));
    }

    [Test]
    public void Circuit_AfterBreakDuration_LetsOneTrialThroughAndClosesOnSuccess()
    {
        using var harness = CreateHarness();
        harness.Server.Then(503).Then(503).Then(503).Then(503).Always(HttpStatusCode.OK);
        for (var i = 0; i < 4; i++)
        {
            Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());
        }

        harness.Clock.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));

        harness.Clock.Advance(TimeSpan.FromTicks(1));
        Assert.DoesNotThrowAsync(() => harness.Client.GetBalanceAsync());
        Assert.DoesNotThrowAsync(() => harness.Client.GetBalanceAsync());
        Assert.That(harness.Server.Count, Is.EqualTo(6));
    }

    [Test]
    public void Circuit_TrialFails_ReopensForAnotherBreak()
    {
        using var harness = CreateHarness();
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);
        for (var i = 0; i < 4; i++)
        {
            Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync());
        }

        harness.Clock.Advance(TimeSpan.FromSeconds(5));
        Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.ApiError), "the trial call is sent");
        Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));
        Assert.That(harness.Server.Count, Is.EqualTo(5));
    }

    [Test]
    public async Task Circuit_OpeningDuringRetries_StopsRetryingAndReportsAttemptsMade()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 5;
            o.FailureRatio = 0.5;
            o.MinimumThroughput = 2;
        });
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);

        var call = harness.Client.SendAsync(["+243998857000"], "Hi");
        await harness.DriveAsync(call);
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call);

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Kind, Is.EqualTo(LisolooFailureKind.CircuitOpen));
            Assert.That(harness.Server.Count, Is.EqualTo(2));
            Assert.That(ex.Attempts, Is.EqualTo(2));
        });
    }

    [Test]
    public void Circuit_Disabled_NeverOpens()
    {
        using var harness = ResilienceHarness.Create(o =>
        {
            o.MaxRetryAttempts = 0;
            o.CircuitBreakerEnabled = false;
            o.MinimumThroughput = 0;
        });
        harness.Server.Always(HttpStatusCode.ServiceUnavailable);

        for (var i = 0; i < 20; i++)
        {
            Assert.That(Assert.ThrowsAsync<LisolooApiException>(() => harness.Client.GetBalanceAsync())!.Kind, Is.EqualTo(LisolooFailureKind.ApiError));
        }

        Assert.That(harness.Server.Count, Is.EqualTo(20));
    }
}
