using Lisoloo.Sdk;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Server.Tests.Api;

/// <summary>Scheduled and recurring sends, pause/resume/cancel and rate limits, on a fake clock the test moves.</summary>
[TestFixture(StoreKind.Sqlite)]
[TestFixture(StoreKind.Postgres)]
public sealed class ScheduleAndRateLimitTests(StoreKind store)
{
    private static readonly DateTimeOffset Start = new(2027, 1, 4, 9, 0, 0, TimeSpan.Zero);
    private FakeTimeProvider _clock = null!;
    private TestServer _server = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _clock = new FakeTimeProvider(Start);
        _server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Lisoloo:RateLimits:StatusPerMinute"] = "1000" },
            services => services.AddSingleton<TimeProvider>(_clock), store: store);
    }

    [TearDown]
    public async Task StopAsync()
    {
        if (_server is not null) // null when the provider is not available (an ignored fixture)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    public async Task Scheduled_dates_fire_at_their_time_and_resume_skips_and_refunds_what_passed_while_paused()
    {
        var key = await _server.CreateKeyAsync(merchant: "sched", balance: 1m, unitPrice: 0.01m);
        using var client = _server.Client(key.ApiKey);
        var sent = await client.ScheduleAsync(new ScheduleRequest(["+14155550100", "+14155550101"], "Reminder",
            [new ScheduledDate("2027-01-04", "10:00"), new ScheduledDate("2027-01-04", "11:00"), new ScheduledDate("2027-01-04", "12:00")]));
        Assert.Multiple(() =>
        {
            Assert.That(sent.Value.Status, Is.EqualTo(SmsStatus.Scheduled));
            Assert.That(sent.Value.TotalMessages, Is.EqualTo(6));
            Assert.That(sent.Value.TotalCost, Is.EqualTo(0.06m));
            Assert.That(sent.Value.FirstSendAt, Is.EqualTo(new DateTimeOffset(2027, 1, 4, 10, 0, 0, TimeSpan.Zero)));
        });

        _clock.Advance(TimeSpan.FromMinutes(61));
        await Wait.UntilAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            var s = (await client.GetStatusAsync(sent.Value.MessageId)).Value;
            return s.Occurrences![0].Status == SmsStatus.Delivered;
        }, TimeSpan.FromSeconds(20), "the 10:00 occurrence delivered");

        var paused = await client.PauseAsync(sent.Value.MessageId);
        Assert.That(paused.Value.Status, Is.EqualTo(SmsStatus.Paused));
        Assert.That((await client.GetStatusAsync(sent.Value.MessageId)).Value.Status, Is.EqualTo(SmsStatus.Paused));

        _clock.Advance(TimeSpan.FromMinutes(60)); // 11:00 passes while paused
        var resumed = await client.ResumeAsync(sent.Value.MessageId);
        Assert.Multiple(() =>
        {
            Assert.That(resumed.Value.SkippedOccurrences, Is.EqualTo(1));
            Assert.That(resumed.Value.RefundedMessages, Is.EqualTo(2));
            Assert.That(resumed.Value.RefundedAmount, Is.EqualTo(0.02m));
        });

        _clock.Advance(TimeSpan.FromMinutes(60)); // 12:00
        MessageStatus status = null!;
        await Wait.UntilAsync(async () =>
        {
            _clock.Advance(TimeSpan.FromMilliseconds(100));
            status = (await client.GetStatusAsync(sent.Value.MessageId)).Value;
            return status.Occurrences![2].Status == SmsStatus.Delivered;
        }, TimeSpan.FromSeconds(20), "the 12:00 occurrence delivered");

        Assert.Multiple(() =>
        {
            Assert.That(status.Occurrences!.Select(o => o.Status), Is.EqualTo(new[] { SmsStatus.Delivered, SmsStatus.Cancelled, SmsStatus.Delivered }));
            Assert.That(status.Recipients, Has.Count.EqualTo(4), "two recipients × two occurrences that fired");
            Assert.That(status.Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(status.RefundedAmount, Is.EqualTo(0.02m));
        });
        Assert.That((await client.GetBalanceAsync()).Value.Balance, Is.EqualTo(1m - 0.04m));
    }

    [Test]
    public async Task Recurring_medication_schedule_bills_93_and_cancel_refunds_every_future_occurrence()
    {
        var key = await _server.CreateKeyAsync(merchant: "meds", balance: 10m, unitPrice: 0.02m);
        using var client = _server.Client(key.ApiKey);
        var schedule = new RecurringSchedule("2027-06-01", "2027-07-01", RecurrenceFrequency.Daily, ["08:00", "14:00", "20:00"]) { TimeZone = "Africa/Kinshasa" };
        var sent = await client.RecurringAsync(new RecurringRequest(["+243812345678"], "Take your medication", schedule));
        Assert.Multiple(() =>
        {
            Assert.That(sent.Value.TotalMessages, Is.EqualTo(93));
            Assert.That(sent.Value.TotalCost, Is.EqualTo(1.86m));
            Assert.That(sent.Value.FirstSendAt, Is.EqualTo(new DateTimeOffset(2027, 6, 1, 7, 0, 0, TimeSpan.Zero)), "08:00 in Kinshasa (UTC+1)");
        });

        var cancelled = await client.CancelAsync(sent.Value.MessageId);
        Assert.That(cancelled.Value.RefundedMessages, Is.EqualTo(93));
        Assert.That((await client.GetBalanceAsync()).Value.Balance, Is.EqualTo(10m));
        var paused = Assert.ThrowsAsync<LisolooApiException>(() => client.PauseAsync(sent.Value.MessageId));
        Assert.That(paused!.ErrorCode, Is.EqualTo(LisolooErrorCodes.CannotPause));
    }

    [Test]
    public async Task Immediate_sends_cannot_be_paused_and_a_running_send_cannot_be_resumed()
    {
        var key = await _server.CreateKeyAsync(merchant: "nopause");
        using var client = _server.Client(key.ApiKey);
        var sent = await client.SendAsync(new SendRequest(["+14155550100"], "now"));
        var pause = Assert.ThrowsAsync<LisolooApiException>(() => client.PauseAsync(sent.Value.MessageId));
        var resume = Assert.ThrowsAsync<LisolooApiException>(() => client.ResumeAsync(sent.Value.MessageId));
        Assert.Multiple(() =>
        {
            Assert.That(pause!.Status, Is.EqualTo(409));
            Assert.That(pause.ErrorCode, Is.EqualTo(LisolooErrorCodes.CannotPause));
            Assert.That(resume!.ErrorCode, Is.EqualTo(LisolooErrorCodes.CannotResume));
        });
    }

    [Test]
    public async Task The_per_key_send_limit_answers_429_with_headers_and_recovers_next_minute()
    {
        var limited = await _server.CreateKeyAsync(merchant: "limited", sendPerMinute: 3);
        var free = await _server.CreateKeyAsync(merchant: "free");
        const string Body = "{\"to\":[\"+14155550100\"],\"message\":\"rate\"}";
        var answers = new List<RawResponse>();
        for (var i = 0; i < 4; i++)
        {
            answers.Add(await _server.SendRawAsync(HttpMethod.Post, "send", limited.ApiKey, Body));
        }

        Assert.Multiple(() =>
        {
            Assert.That(answers.Select(a => a.Status), Is.EqualTo(new[] { 201, 201, 201, 429 }));
            Assert.That(answers[0].Headers["X-RateLimit-Limit"], Is.EqualTo("3"));
            Assert.That(answers[2].Headers["X-RateLimit-Remaining"], Is.EqualTo("0"));
            Assert.That(answers[3].ErrorCode, Is.EqualTo(LisolooErrorCodes.RateLimitExceeded));
            Assert.That(answers[3].Headers["Retry-After"], Is.EqualTo("60"), "the fake clock sits on a minute boundary");
            Assert.That(answers[3].Headers["X-RateLimit-Reset"], Is.EqualTo("60"));
        });

        var other = await _server.SendRawAsync(HttpMethod.Post, "send", free.ApiKey, Body);
        Assert.That(other.Status, Is.EqualTo(201), "limits are per key");

        _clock.Advance(TimeSpan.FromSeconds(60));
        var recovered = await _server.SendRawAsync(HttpMethod.Post, "send", limited.ApiKey, Body);
        Assert.That(recovered.Status, Is.EqualTo(201));

        using var client = _server.Client(limited.ApiKey);
        await client.SendAsync(new SendRequest(["+14155550100"], "a"));
        await client.SendAsync(new SendRequest(["+14155550100"], "b"));
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(new SendRequest(["+14155550100"], "c")));
        Assert.That(ex!.RetryAfter, Is.EqualTo(TimeSpan.FromSeconds(60)), "the SDK surfaces Retry-After");
    }
}
