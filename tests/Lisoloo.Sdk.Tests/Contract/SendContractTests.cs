namespace Lisoloo.Sdk.Tests.Contract;

/// <summary><c>POST /send</c> in its three forms, against the contract mappings.</summary>
[Category("Contract")]
public sealed class SendContractTests : ContractTestBase
{
    [Test]
    public async Task SendAsync_Immediate_SendsTheContractBodyAndReadsTheCreatedEnvelope()
    {
        using var client = CreateClient();

        var response = await client.SendAsync(new SendRequest(["+243998857000", "+243810000001"], "Contract: hello from Lisoloo")
        {
            SenderId = "LISOLOO",
            CancelWithin = TimeSpan.FromSeconds(10),
        });

        var sent = SingleRequest();
        var result = response.Value;
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(201));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_send_immediate"));
            Assert.That(result.MessageId, Is.EqualTo("6650a1b2c3d4e5f601234567"));
            Assert.That(result.TotalRecipients, Is.EqualTo(2));
            Assert.That(result.TotalMessages, Is.EqualTo(2));
            Assert.That(result.TotalCost, Is.EqualTo(0.04m));
            Assert.That(result.Currency, Is.EqualTo("USD"));
            Assert.That(result.Status, Is.EqualTo(SmsStatus.Pending));
            Assert.That(result.SendingType, Is.EqualTo(SendingType.Immediate));
            Assert.That(result.Segments, Is.EqualTo(1));
            Assert.That(result.Encoding, Is.EqualTo(SmsEncoding.Gsm7));
            Assert.That(result.Occurrences, Is.EqualTo(1));

            Assert.That(sent.Method, Is.EqualTo("POST"));
            Assert.That(sent.Url, Is.EqualTo(ApiPath + "send"));
        });
        AssertServedBy([sent], "send", "success");
        AssertSdkHeaders(sent);
        AssertGeneratedIdempotencyKey(sent);
        AssertJsonBody(sent, """
            {"to":["+243998857000","+243810000001"],"message":"Contract: hello from Lisoloo","sender_id":"LISOLOO",
             "sending_type":"immediate","cancel_within":10}
            """);
    }

    [Test]
    public async Task ScheduleAsync_RequestTimeZone_IsWrittenOnEachDateOnTheWire()
    {
        using var client = CreateClient();

        var response = await client.ScheduleAsync(new ScheduleRequest(
            ["+243998857000"],
            "Contract: your appointment is tomorrow at 10:00",
            [new ScheduledDate("2030-06-01", "09:00"), new ScheduledDate("2030-06-08", "09:00")])
        {
            SenderId = "CLINIC",
            TimeZone = "Africa/Kinshasa",
            CallbackUrl = new Uri("https://hooks.example.com/lisoloo/events"),
        });

        var sent = SingleRequest();
        var result = response.Value;
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(201));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_send_scheduled"));
            Assert.That(result.MessageId, Is.EqualTo("6650a1b2c3d4e5f601234568"));
            Assert.That(result.Status, Is.EqualTo(SmsStatus.Scheduled));
            Assert.That(result.SendingType, Is.EqualTo(SendingType.Scheduled));
            Assert.That(result.Occurrences, Is.EqualTo(2));
            Assert.That(result.TotalMessages, Is.EqualTo(2));
            Assert.That(result.TotalCost, Is.EqualTo(0.04m));
            Assert.That(result.FirstSendAt, Is.EqualTo(new DateTimeOffset(2030, 6, 1, 8, 0, 0, TimeSpan.Zero)));
        });
        AssertServedBy([sent], "schedule", "success");
        AssertSdkHeaders(sent);
        AssertGeneratedIdempotencyKey(sent);
        AssertJsonBody(sent, """
            {"to":["+243998857000"],"message":"Contract: your appointment is tomorrow at 10:00","sender_id":"CLINIC",
             "sending_type":"scheduled","callback_url":"https://hooks.example.com/lisoloo/events",
             "scheduled_dates":[{"date":"2030-06-01","time":"09:00","timezone":"Africa/Kinshasa"},
                                {"date":"2030-06-08","time":"09:00","timezone":"Africa/Kinshasa"}]}
            """);
    }

    [Test]
    public async Task RecurringAsync_WeeklySchedule_SendsDaysOfWeekIntervalAndTimeZone()
    {
        using var client = CreateClient();
        var schedule = new RecurringSchedule("2030-06-03", "2030-06-30", RecurrenceFrequency.Weekly, ["09:00"])
        {
            DaysOfWeek = [DayOfWeek.Monday, DayOfWeek.Thursday],
            TimeZone = "Africa/Kinshasa",
        };

        var response = await client.RecurringAsync(new RecurringRequest(["+243998857000"], "Contract: take your medication", schedule));

        var sent = SingleRequest();
        var result = response.Value;
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(201));
            Assert.That(response.RequestId, Is.EqualTo("req_contract_send_recurring"));
            Assert.That(result.MessageId, Is.EqualTo("6650a1b2c3d4e5f601234569"));
            Assert.That(result.SendingType, Is.EqualTo(SendingType.Recurring));
            Assert.That(result.Status, Is.EqualTo(SmsStatus.Scheduled));
            Assert.That(result.Occurrences, Is.EqualTo(8));
            Assert.That(result.TotalMessages, Is.EqualTo(8));
            Assert.That(result.TotalCost, Is.EqualTo(0.16m));
            Assert.That(result.FirstSendAt, Is.EqualTo(new DateTimeOffset(2030, 6, 3, 8, 0, 0, TimeSpan.Zero)));
        });
        AssertServedBy([sent], "recurring", "success");
        AssertSdkHeaders(sent);
        AssertGeneratedIdempotencyKey(sent);
        AssertJsonBody(sent, """
            {"to":["+243998857000"],"message":"Contract: take your medication","sending_type":"recurring",
             "recurring_schedule":{"start_date":"2030-06-03","end_date":"2030-06-30","frequency":"weekly","times":["09:00"],
                                   "interval":1,"days_of_week":["monday","thursday"],"timezone":"Africa/Kinshasa"}}
            """);
    }

    [Test]
    public async Task SendAsync_TwoLogicalCalls_CarryDifferentIdempotencyKeys()
    {
        using var client = CreateClient();
        var request = new SendRequest(["+243998857000", "+243810000001"], "Contract: hello from Lisoloo")
        {
            SenderId = "LISOLOO",
            CancelWithin = TimeSpan.FromSeconds(10),
        };

        await client.SendAsync(request);
        await client.SendAsync(request);

        var sent = Requests();
        Assert.That(sent, Has.Count.EqualTo(2));
        Assert.That(sent[1].Header("Idempotency-Key"), Is.Not.EqualTo(sent[0].Header("Idempotency-Key")), "a new key per logical call");
    }
}
