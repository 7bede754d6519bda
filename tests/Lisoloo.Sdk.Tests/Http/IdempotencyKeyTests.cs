using System.Net;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>
/// The <c>Idempotency-Key</c> the client puts on writes: one per logical call, the same on every attempt, the caller's
/// own verbatim when given, and never on reads.
/// </summary>
public sealed class IdempotencyKeyTests
{
    private static readonly IReadOnlyList<string> To = ["+243998857000"];

    [Test]
    public async Task Write_CarriesAKey_ReadDoesNot([ValueSource(typeof(Calls), nameof(Calls.All))] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.OK);

        await Calls.Run(harness.Client, operation);

        var key = harness.Server.Requests.Single().IdempotencyKey;
        if (Calls.Writes.Contains(operation))
        {
            Assert.That(key, Does.Match("^[0-9a-f]{32}$"));
        }
        else
        {
            Assert.That(key, Is.Null);
        }
    }

    [Test]
    public async Task Write_SameKeyOnEveryAttempt([ValueSource(typeof(Calls), nameof(Calls.Writes))] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server
            .Then(HttpStatusCode.ServiceUnavailable)
            .ThenThrow(new HttpRequestException("reset"))
            .Then(429)
            .Always(HttpStatusCode.Created);

        var call = Calls.Run(harness.Client, operation);
        await harness.DriveAsync(call);
        await call;

        var keys = harness.Server.Requests.Select(r => r.IdempotencyKey).ToArray();
        Assert.That(keys, Has.Length.EqualTo(4).And.All.Not.Null);
        Assert.That(keys.Distinct().Count(), Is.EqualTo(1));
    }

    [Test]
    public async Task Write_FreshKeyPerLogicalCall([ValueSource(typeof(Calls), nameof(Calls.Writes))] string operation)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.OK);

        for (var i = 0; i < 3; i++)
        {
            await Calls.Run(harness.Client, operation);
        }

        Assert.That(harness.Server.Requests.Select(r => r.IdempotencyKey).Distinct().Count(), Is.EqualTo(3));
    }

    [Test]
    public async Task Write_FreshKeyPerLogicalCall_EvenForTheSameRequestObject()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.Created);
        var request = new SendRequest(To, "Hi");

        await harness.Client.SendAsync(request);
        await harness.Client.SendAsync(request);

        var keys = harness.Server.Requests.Select(r => r.IdempotencyKey).ToArray();
        Assert.That(keys[1], Is.Not.EqualTo(keys[0]));
    }

    [TestCase("order-42")]
    [TestCase("9f1c0b8e-1d8a-4b7e-9f0e-3c2d1b0a9e8f")]
    [TestCase("Shop:Order/2026-06-01#7 retry")]
    public async Task CallerKey_IsSentVerbatimOnEveryAttempt(string key)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Then(HttpStatusCode.BadGateway).Always(HttpStatusCode.Created);

        var call = harness.Client.SendAsync(new SendRequest(To, "Hi") { IdempotencyKey = key });
        await harness.DriveAsync(call);
        await call;

        Assert.That(harness.Server.Requests.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { key, key }));
    }

    [Test]
    public async Task CallerKey_OnScheduleAndRecurring_IsSentVerbatim()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.Created);

        await harness.Client.ScheduleAsync(new ScheduleRequest(To, "Hi", [new ScheduledDate("2026-07-01", "09:00")]) { IdempotencyKey = "sched-1" });
        await harness.Client.RecurringAsync(new RecurringRequest(To, "Hi", new RecurringSchedule("2026-07-01", "2026-07-02", RecurrenceFrequency.Daily, ["09:00"])) { IdempotencyKey = "rec-1" });

        Assert.That(harness.Server.Requests.Select(r => r.IdempotencyKey), Is.EqualTo(new[] { "sched-1", "rec-1" }));
    }

    [Test]
    public async Task CallerKey_ReusedAcrossCalls_IsTheCallersChoice()
    {
        // Reusing a key on purpose (e.g. the same order id after a crash) is how a caller de-duplicates across processes.
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.Created);

        await harness.Client.SendAsync(new SendRequest(To, "Hi") { IdempotencyKey = "order-42" });
        await harness.Client.SendAsync(new SendRequest(To, "Hi") { IdempotencyKey = "order-42" });

        Assert.That(harness.Server.Requests.Select(r => r.IdempotencyKey), Is.All.EqualTo("order-42"));
    }

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("line\r\nbreak")]
    [TestCase("caf\u00e9")]
    public void CallerKey_Unusable_IsRefusedBeforeSending(string key)
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.Created);

        var ex = Assert.ThrowsAsync<ArgumentException>(() => harness.Client.SendAsync(new SendRequest(To, "Hi") { IdempotencyKey = key }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Message, Does.Contain("IdempotencyKey"));
            Assert.That(harness.Server.Count, Is.Zero);
        });
    }

    [Test]
    public void CallerKey_LongerThan255_IsRefusedBeforeSending()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(HttpStatusCode.Created);

        Assert.ThrowsAsync<ArgumentException>(() => harness.Client.SendAsync(new SendRequest(To, "Hi") { IdempotencyKey = new string('k', 256) }));
        Assert.DoesNotThrowAsync(() => harness.Client.SendAsync(new SendRequest(To, "Hi") { IdempotencyKey = new string('k', 255) }));
        Assert.That(harness.Server.Count, Is.EqualTo(1));
    }

    [Test]
    public async Task IdempotencyConflict_409_IsNotRetried()
    {
        using var harness = ResilienceHarness.Create();
        harness.Server.Always(409, """{"status_code":409,"error_code":1405,"message":"Idempotency key reused with another body."}""");

        var call = harness.Client.SendAsync(new SendRequest(To, "Hi") { IdempotencyKey = "order-42" });
        var delays = await harness.DriveAsync(call);
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => call);

        Assert.Multiple(() =>
        {
            Assert.That(delays, Is.Empty);
            Assert.That(harness.Server.Count, Is.EqualTo(1));
            Assert.That(ex!.ErrorCode, Is.EqualTo(LisolooErrorCodes.IdempotencyKeyReused));
        });
    }
}
