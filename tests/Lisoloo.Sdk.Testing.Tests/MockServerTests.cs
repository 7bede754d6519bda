using System.Net;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Sdk.Testing.Tests;

/// <summary>The mock through the real SDK client: what a customer's test sees.</summary>
public sealed class MockServerTests
{
    private static readonly DateTimeOffset Start = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task Send_IsAcceptedRecordedAndCharged()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient();

        var sent = await client.SendAsync(new SendRequest(["+243 998 857 000", "+243998857000", "+14155550100"], "Your KITOKO code: 493 201.") { SenderId = "KITOKO" });

        var send = lisoloo.Sends.Single();
        var balance = await client.GetBalanceAsync();
        Assert.Multiple(() =>
        {
            Assert.That(sent.Status, Is.EqualTo(201));
            Assert.That(sent.Value.MessageId, Does.Match("^[0-9a-f]{24}$"));
            Assert.That(sent.Value.TotalRecipients, Is.EqualTo(2), "duplicates after normalisation count once");
            Assert.That(sent.Value.TotalCost, Is.EqualTo(0.04m));
            Assert.That(sent.RequestId, Does.Match("^req_[0-9a-f]{24}$"));
            Assert.That(send.MessageId, Is.EqualTo(sent.Value.MessageId));
            Assert.That(send.To, Is.EqualTo(new[] { "+243998857000", "+14155550100" }));
            Assert.That(send.Message, Is.EqualTo("Your KITOKO code: 493 201."));
            Assert.That(send.SenderId, Is.EqualTo("KITOKO"));
            Assert.That(send.SendingType, Is.EqualTo(SendingType.Immediate));
            Assert.That(send.IdempotencyKey, Does.Match("^[0-9a-f]{32}$"), "the SDK's generated key");
            Assert.That(balance.Value.Balance, Is.EqualTo(99.96m));
            Assert.That(lisoloo.Balance, Is.EqualTo(99.96m));
            Assert.That(balance.Value.Environment, Is.EqualTo("test"));
        });
    }

    [Test]
    public async Task InvalidRequest_Is400WithEveryFieldError_AndNothingIsRecorded()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient();

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(new SendRequest(["+243998857000", "12ab"], "") { SenderId = "ABCDEFGHIJKL" }));

        Assert.Multiple(() =>
        {
            Assert.That(ex!.Status, Is.EqualTo(400));
            Assert.That(ex.ErrorCode, Is.EqualTo(LisolooErrorCodes.InvalidRecipient));
            Assert.That(ex.FieldErrors.Select(e => (e.Field, e.ErrorCode)), Is.EqualTo(new[]
            {
                ("to[1]", LisolooErrorCodes.InvalidRecipient),
                ("message", LisolooErrorCodes.EmptyMessage),
                ("sender_id", LisolooErrorCodes.InvalidSenderId),
            }));
            Assert.That(lisoloo.Sends, Is.Empty);
            Assert.That(lisoloo.Balance, Is.EqualTo(100m));
            Assert.That(lisoloo.Requests.Single().Status, Is.EqualTo(400), "the raw log has it");
        });
    }

    [Test]
    public async Task UnknownKey_Is401_1003()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient(o => o.ApiKey = "sk_test_" + new string('Z', 40));

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.GetBalanceAsync());

        Assert.That((ex!.Status, ex.ErrorCode), Is.EqualTo((401, LisolooErrorCodes.InvalidApiKey)));
    }

    [Test]
    public async Task SendTheBalanceCannotCover_Is402WithTheAmounts_AndATopUpLetsItThrough()
    {
        await using var lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { Balance = 0.05m, UnitPrice = 0.02m });
        using var client = lisoloo.CreateClient();
        var request = new SendRequest(["+14155550100", "+14155550101", "+14155550102"], "Hi");

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(request));
        lisoloo.TopUp(0.01m);
        var sent = await client.SendAsync(request);

        Assert.Multiple(() =>
        {
            Assert.That((ex!.Status, ex.ErrorCode), Is.EqualTo((402, LisolooErrorCodes.InsufficientBalance)));
            Assert.That(ex.RequiredAmount, Is.EqualTo(0.06m));
            Assert.That(ex.AvailableAmount, Is.EqualTo(0.05m));
            Assert.That(sent.Value.TotalCost, Is.EqualTo(0.06m));
            Assert.That(lisoloo.Balance, Is.EqualTo(0m), "refused whole, then charged whole");
        });
    }

    [Test]
    public async Task UnknownMessageId_Is404_AndMalformedOne400()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient();

        var unknown = Assert.ThrowsAsync<LisolooApiException>(() => client.GetStatusAsync("0123456789abcdef01234567"));
        var malformed = Assert.ThrowsAsync<LisolooApiException>(() => client.CancelAsync("not-an-id"));

        Assert.Multiple(() =>
        {
            Assert.That((unknown!.Status, unknown.ErrorCode), Is.EqualTo((404, LisolooErrorCodes.MessageNotFound)));
            Assert.That((malformed!.Status, malformed.ErrorCode), Is.EqualTo((400, LisolooErrorCodes.InvalidMessageId)));
        });
    }

    [Test]
    public async Task CancelAfterTheSend_Is409_ButWithinTheCancelWindowRefundsEverything()
    {
        var clock = new FakeTimeProvider(Start);
        await using var lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { TimeProvider = clock });
        using var client = lisoloo.CreateClient();

        var gone = await client.SendAsync(["+14155550100"], "Now");
        var late = Assert.ThrowsAsync<LisolooApiException>(() => client.CancelAsync(gone.Value.MessageId));
        var held = await client.SendAsync(new SendRequest(["+14155550100", "+14155550101"], "Held") { CancelWithin = TimeSpan.FromSeconds(10) });
        clock.Advance(TimeSpan.FromSeconds(5));
        var cancelled = await client.CancelAsync(held.Value.MessageId);
        var status = await client.GetStatusAsync(held.Value.MessageId);

        Assert.Multiple(() =>
        {
            Assert.That((late!.Status, late.ErrorCode), Is.EqualTo((409, LisolooErrorCodes.CannotCancel)));
            Assert.That(cancelled.Value.Status, Is.EqualTo(SmsStatus.Cancelled));
            Assert.That(cancelled.Value.RefundedMessages, Is.EqualTo(2));
            Assert.That(cancelled.Value.RefundedAmount, Is.EqualTo(0.04m));
            Assert.That(status.Value.Status, Is.EqualTo(SmsStatus.Cancelled));
            Assert.That(lisoloo.Balance, Is.EqualTo(99.98m), "only the first send stays charged");
        });
    }

    [Test]
    public async Task Status_FollowsTheSandboxLifecycle_OnTheMocksClock()
    {
        var clock = new FakeTimeProvider(Start);
        await using var lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { TimeProvider = clock });
        using var client = lisoloo.CreateClient();
        string[] numbers = ["+14155550100", "+99900000001", "+99900000002", "+99900000003", "+99900000004", "+99900000005"];

        var sent = await client.SendAsync(numbers, "Lifecycle");
        var atOnce = await client.GetStatusAsync(sent.Value.MessageId);
        clock.Advance(TimeSpan.FromSeconds(1));
        var afterOne = await client.GetStatusAsync(sent.Value.MessageId);
        clock.Advance(TimeSpan.FromSeconds(29));
        var afterThirty = await client.GetStatusAsync(sent.Value.MessageId);

        static Dictionary<string, string> States(MessageStatus s) => s.Recipients.ToDictionary(r => r.To, r => r.Status.Value);
        Assert.Multiple(() =>
        {
            Assert.That(States(atOnce.Value), Is.EqualTo(new Dictionary<string, string>
            {
                ["+14155550100"] = "sent", ["+99900000001"] = "sent", ["+99900000002"] = "sent",
                ["+99900000003"] = "sent", ["+99900000004"] = "failed", ["+99900000005"] = "sent",
            }));
            Assert.That(atOnce.Value.Status, Is.EqualTo(SmsStatus.Sent));
            Assert.That(States(afterOne.Value), Is.EqualTo(new Dictionary<string, string>
            {
                ["+14155550100"] = "delivered", ["+99900000001"] = "undelivered", ["+99900000002"] = "expired",
                ["+99900000003"] = "rejected", ["+99900000004"] = "failed", ["+99900000005"] = "sent",
            }));
            Assert.That(States(afterThirty.Value)["+99900000005"], Is.EqualTo("delivered"));
            Assert.That(afterThirty.Value.Status, Is.EqualTo(SmsStatus.Delivered));
            Assert.That(afterThirty.Value.RefundedAmount, Is.EqualTo(0.02m), "the refused +99900000004 is refunded");
            Assert.That(afterThirty.Value.Recipients.Single(r => r.To == "+99900000004").ErrorCode, Is.Not.Null);
            Assert.That(lisoloo.Balance, Is.EqualTo(100m - 0.12m + 0.02m));
        });
    }

    [Test]
    public async Task ScheduledSend_PausedPastAnOccurrence_SkipsAndRefundsItOnResume()
    {
        var clock = new FakeTimeProvider(Start);
        await using var lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { TimeProvider = clock });
        using var client = lisoloo.CreateClient();
        var request = new ScheduleRequest(["+14155550100"], "Reminder", [ScheduledDate.At(new DateOnly(2026, 6, 2), new TimeOnly(9, 0)), ScheduledDate.At(new DateOnly(2026, 6, 9), new TimeOnly(9, 0))]);

        var scheduled = await client.ScheduleAsync(request);
        var reserved = (await client.GetBalanceAsync()).Value.Reserved;
        await client.PauseAsync(scheduled.Value.MessageId);
        clock.Advance(TimeSpan.FromDays(2));
        var resumed = await client.ResumeAsync(scheduled.Value.MessageId);
        var status = await client.GetStatusAsync(scheduled.Value.MessageId);

        Assert.Multiple(() =>
        {
            Assert.That(scheduled.Value.Status, Is.EqualTo(SmsStatus.Scheduled));
            Assert.That(scheduled.Value.Occurrences, Is.EqualTo(2));
            Assert.That(reserved, Is.EqualTo(0.04m), "both occurrences are held until they go out");
            Assert.That(resumed.Value.Status, Is.EqualTo(SmsStatus.Scheduled));
            Assert.That(resumed.Value.SkippedOccurrences, Is.EqualTo(1));
            Assert.That(resumed.Value.RefundedAmount, Is.EqualTo(0.02m));
            Assert.That(status.Value.Occurrences!.Select(o => o.Status.Value), Is.EqualTo(new[] { "cancelled", "scheduled" }));
            Assert.That(lisoloo.Balance, Is.EqualTo(99.98m));
        });
    }

    [Test]
    public async Task SameIdempotencyKey_ReplaysTheFirstAnswer_AndAnotherBodyIs409()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient();

        var first = await client.SendAsync(new SendRequest(["+14155550100"], "Order 42 shipped") { IdempotencyKey = "order-42" });
        var again = await client.SendAsync(new SendRequest(["+14155550100"], "Order 42 shipped") { IdempotencyKey = "order-42" });
        var other = Assert.ThrowsAsync<LisolooApiException>(() => client.SendAsync(new SendRequest(["+14155550100"], "Something else") { IdempotencyKey = "order-42" }));

        Assert.Multiple(() =>
        {
            Assert.That(again.Value.MessageId, Is.EqualTo(first.Value.MessageId));
            Assert.That(again.GetHeader("Idempotent-Replayed"), Is.EqualTo("true"));
            Assert.That(lisoloo.Sends, Has.Count.EqualTo(1));
            Assert.That(lisoloo.Balance, Is.EqualTo(99.98m), "charged once");
            Assert.That((other!.Status, other.ErrorCode), Is.EqualTo((409, LisolooErrorCodes.IdempotencyKeyReused)));
        });
    }

    [Test]
    public async Task RateLimit_Is429WithRetryAfterAndHeaders()
    {
        await using var lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { BalancePerMinute = 2 });
        using var client = lisoloo.CreateClient(o => o.Resilience.MaxRetryAfter = TimeSpan.Zero);

        await client.GetBalanceAsync();
        var second = await client.GetBalanceAsync();
        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.GetBalanceAsync());

        Assert.Multiple(() =>
        {
            Assert.That(second.RateLimit!.Remaining, Is.Zero);
            Assert.That((ex!.Status, ex.ErrorCode), Is.EqualTo((429, LisolooErrorCodes.RateLimitExceeded)));
            Assert.That(ex.RetryAfter, Is.GreaterThan(TimeSpan.Zero).And.LessThanOrEqualTo(TimeSpan.FromSeconds(60)));
            Assert.That(ex.RateLimit, Is.EqualTo(new RateLimitInfo(2, 0, (int)ex.RetryAfter!.Value.TotalSeconds)));
        });
    }

    [Test]
    public async Task FailNext_IsRetriedWithTheSameIdempotencyKey_AndSendsOnce()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient(o => o.Resilience.MaxRetryAfter = TimeSpan.FromSeconds(2));
        lisoloo.FailNext(LisolooMockFailure.ServiceUnavailable, count: 2);

        var sent = await client.SendAsync(["+14155550100"], "Through an outage");

        var attempts = lisoloo.Requests;
        Assert.Multiple(() =>
        {
            Assert.That(sent.Status, Is.EqualTo(201));
            Assert.That(attempts.Select(r => r.Status), Is.EqualTo(new[] { 503, 503, 201 }));
            Assert.That(attempts.Select(r => r.Header("Idempotency-Key")).Distinct().Count(), Is.EqualTo(1));
            Assert.That(lisoloo.Sends, Has.Count.EqualTo(1));
        });
    }

    [Test]
    public async Task FailNext_EachFailure_AnswersItsStatusAndCode([Values] LisolooMockFailure failure)
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient(o => o.Resilience.Enabled = false);
        lisoloo.FailNext(failure);

        var ex = Assert.ThrowsAsync<LisolooApiException>(() => client.GetBalanceAsync());
        var then = await client.GetBalanceAsync();

        var expected = failure switch
        {
            LisolooMockFailure.ServiceUnavailable => (503, LisolooErrorCodes.ServiceUnavailable),
            LisolooMockFailure.CarrierUnavailable => (503, LisolooErrorCodes.CarrierUnavailable),
            LisolooMockFailure.InternalError => (500, LisolooErrorCodes.InternalError),
            _ => (429, LisolooErrorCodes.RateLimitExceeded),
        };
        Assert.Multiple(() =>
        {
            Assert.That((ex!.Status, ex.ErrorCode), Is.EqualTo(expected));
            Assert.That(ex.IsTransient, Is.True);
            Assert.That(ex.RetryAfter, failure == LisolooMockFailure.InternalError ? Is.Null : Is.EqualTo(TimeSpan.FromSeconds(1)));
            Assert.That(then.Status, Is.EqualTo(200), "one failure only");
        });
    }

    [Test]
    public async Task Calculate_PricesAWouldBeSend_WithoutSending()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient();

        var quote = await client.CalculateAsync(CalculateRequest.ForSend(new SendRequest(["+14155550100", "+14155550101"], new string('a', 200))));
        var budget = await client.CalculateAsync(10m);

        Assert.Multiple(() =>
        {
            Assert.That(quote.Value.Segments, Is.EqualTo(2));
            Assert.That(quote.Value.TotalMessages, Is.EqualTo(4));
            Assert.That(quote.Value.TotalCost, Is.EqualTo(0.08m));
            Assert.That(quote.Value.SufficientBalance, Is.True);
            Assert.That(budget.Value.SmsCount, Is.EqualTo(500));
            Assert.That(lisoloo.Sends, Is.Empty);
        });
    }

    [Test]
    public async Task Health_IsHealthyWithoutAKey()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient(o => o.ApiKey = "sk_live_" + new string('Q', 40));

        var health = await client.GetHealthAsync();

        Assert.That(health.Value.IsHealthy, Is.True);
    }

    [Test]
    public async Task UnknownRoute_Is404_1505()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var http = new HttpClient { BaseAddress = lisoloo.Url };

        using var response = await http.GetAsync("api/v1/lisoloo/sms-api/nothing-here");
        var body = await response.Content.ReadAsStringAsync();

        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
            Assert.That(body, Does.Contain("\"error_code\":1505"));
        });
    }

    [Test]
    public async Task OwnMappings_WinOverTheMocks()
    {
        await using var lisoloo = LisolooMockServer.Start();
        lisoloo.WireMock
            .Given(WireMock.RequestBuilders.Request.Create().WithPath("/api/v1/lisoloo/sms-api/balance").UsingGet())
            .RespondWith(WireMock.ResponseBuilders.Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
                .WithBody("""{"status_code":200,"data":{"balance":7,"reserved":0,"unit_price":0.01,"currency":"EUR","environment":"test"}}"""));
        using var client = lisoloo.CreateClient();

        var balance = await client.GetBalanceAsync();

        Assert.That((balance.Value.Balance, balance.Value.Currency), Is.EqualTo((7m, "EUR")));
    }

    [Test]
    public async Task Reset_ForgetsSendsRequestsAndSpending()
    {
        await using var lisoloo = LisolooMockServer.Start();
        using var client = lisoloo.CreateClient();
        await client.SendAsync(["+14155550100"], "One");

        lisoloo.Reset();

        Assert.Multiple(() =>
        {
            Assert.That(lisoloo.Sends, Is.Empty);
            Assert.That(lisoloo.Requests, Is.Empty);
            Assert.That(lisoloo.Balance, Is.EqualTo(100m));
        });
    }

    [Test]
    public void Start_RefusesAMalformedKeyOrAmount()
    {
        Assert.Multiple(() =>
        {
            Assert.Throws<ArgumentException>(() => LisolooMockServer.Start(new LisolooMockServerOptions { ApiKey = "not-a-key" }));
            Assert.Throws<ArgumentException>(() => LisolooMockServer.Start(new LisolooMockServerOptions { Balance = -1m }));
            Assert.Throws<ArgumentException>(() => LisolooMockServer.Start(new LisolooMockServerOptions { UnitPrice = 0.0000001m }));
            Assert.Throws<ArgumentException>(() => LisolooMockServer.Start(new LisolooMockServerOptions { WebhookSecret = "secret" }));
        });
    }
}
