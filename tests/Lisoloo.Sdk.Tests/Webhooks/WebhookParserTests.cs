using System.Text;
using Lisoloo.Sdk.Webhooks;

namespace Lisoloo.Sdk.Tests.Webhooks;

public sealed class WebhookParserTests
{
    private static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    [TestCase("sms.queued", "queued")]
    [TestCase("sms.processing", "processing")]
    [TestCase("sms.sent", "sent")]
    [TestCase("sms.delivered", "delivered")]
    [TestCase("sms.failed", "undelivered")]
    public void Parse_StatusEvent_ReadsEnvelopeAndData(string type, string status)
    {
        var body = Utf8($$$"""
            {"id":"evt_1","type":"{{{type}}}","created_at":"2025-03-14T09:26:53Z",
             "data":{"message_id":"msg_9","to":"+243810000001","status":"{{{status}}}","previous_status":"sent",
                     "segments":2,"error_code":1501,"error_message":"Handset unreachable","occurred_at":"2025-03-14T09:26:52+00:00","occurrence":3}}
            """);

        var evt = WebhookParser.Parse(body);

        Assert.Multiple(() =>
        {
            Assert.That(evt.Id, Is.EqualTo("evt_1"));
            Assert.That(evt.Type, Is.EqualTo(new WebhookEventType(type)));
            Assert.That(evt.Type.IsKnown, Is.True);
            Assert.That(evt.CreatedAt, Is.EqualTo(new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero)));
            Assert.That(evt.Data.MessageId, Is.EqualTo("msg_9"));
            Assert.That(evt.Data.To, Is.EqualTo("+243810000001"));
            Assert.That(evt.Data.Status, Is.EqualTo(new SmsStatus(status)));
            Assert.That(evt.Data.PreviousStatus, Is.EqualTo(SmsStatus.Sent));
            Assert.That(evt.Data.Segments, Is.EqualTo(2));
            Assert.That(evt.Data.ErrorCode, Is.EqualTo(1501));
            Assert.That(evt.Data.ErrorMessage, Is.EqualTo("Handset unreachable"));
            Assert.That(evt.Data.OccurredAt, Is.EqualTo(new DateTimeOffset(2025, 3, 14, 9, 26, 52, TimeSpan.Zero)));
            Assert.That(evt.Data.Occurrence, Is.EqualTo(3));
            Assert.That(evt.Data.AdditionalProperties, Is.Null);
        });
    }

    [Test]
    public void Parse_InboundEvent_ReadsFromAndText()
    {
        var evt = WebhookParser.Parse(Utf8(
            """{"id":"evt_in","type":"sms.received","created_at":"2025-03-14T09:26:53Z","data":{"message_id":"in_1","from":"+243820000002","to":"LISOLOO","text":"STOP"}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(evt.Type, Is.EqualTo(WebhookEventType.SmsReceived));
            Assert.That(evt.Data.From, Is.EqualTo("+243820000002"));
            Assert.That(evt.Data.To, Is.EqualTo("LISOLOO"));
            Assert.That(evt.Data.Text, Is.EqualTo("STOP"));
            Assert.That(evt.Data.Status, Is.Null);
        });
    }

    [Test]
    public void Parse_UnknownTypeAndFields_ParsesAndKeepsUnknownFields()
    {
        var evt = WebhookParser.Parse(Utf8(
            """{"id":"evt_2","type":"sms.Clicked","created_at":"2025-03-14T09:26:53Z","future_top":1,"data":{"message_id":"m","link":"https://x.test","status":"carrier_hold"}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(evt.Type.Value, Is.EqualTo("sms.clicked"));
            Assert.That(evt.Type.IsKnown, Is.False);
            Assert.That(evt.Data.Status!.Value.IsKnown, Is.False);
            Assert.That(evt.Data.AdditionalProperties, Is.Not.Null);
            Assert.That(evt.Data.AdditionalProperties!["link"].GetString(), Is.EqualTo("https://x.test"));
        });
    }

    [Test]
    public void Parse_NoData_GivesEmptyData()
    {
        var evt = WebhookParser.Parse(Utf8("""{"id":"evt_3","type":"sms.sent","data":null}"""));

        Assert.That(evt.Data, Is.Not.Null);
        Assert.That(evt.Data.MessageId, Is.Null);
    }

    [Test]
    public void Parse_ByteArrayOverload_Parses()
        => Assert.That(WebhookParser.Parse(Utf8("""{"id":"evt_4","type":"sms.sent"}""")).Id, Is.EqualTo("evt_4"));

    [Test]
    public void Parse_NullArray_ThrowsArgumentNullException()
        => Assert.Throws<ArgumentNullException>(() => WebhookParser.Parse((byte[])null!));

    [TestCase("")]
    [TestCase("   ")]
    [TestCase("not json")]
    [TestCase("{\"id\":\"evt_5\",\"type\":\"sms.sent\"")]
    [TestCase("null")]
    [TestCase("[]")]
    [TestCase("42")]
    [TestCase("{}")]
    [TestCase("{\"type\":\"sms.sent\"}")]
    [TestCase("{\"id\":\"\",\"type\":\"sms.sent\"}")]
    [TestCase("{\"id\":\"evt_6\"}")]
    [TestCase("{\"id\":\"evt_6\",\"type\":\"\"}")]
    [TestCase("{\"id\":\"evt_6\",\"type\":7}")]
    [TestCase("{\"id\":7,\"type\":\"sms.sent\"}")]
    [TestCase("{\"id\":\"evt_6\",\"type\":\"sms.sent\",\"created_at\":\"yesterday\"}")]
    [TestCase("{\"id\":\"evt_6\",\"type\":\"sms.sent\",\"data\":{\"segments\":\"two\"}}")]
    [TestCase("{\"id\":\"evt_6\",\"type\":\"sms.sent\",\"data\":{\"status\":1}}")]
    [TestCase("{\"id\":\"evt_6\",\"type\":\"sms.sent\",\"data\":[]}")]
    public void Parse_MalformedBody_ThrowsWebhookFormatException(string body)
    {
        var ex = Assert.Throws<WebhookFormatException>(() => WebhookParser.Parse(Utf8(body)));

        Assert.That(ex.Message, Is.Not.Empty);
    }

    [Test]
    public void Parse_InvalidUtf8_ThrowsWebhookFormatException()
        => Assert.Throws<WebhookFormatException>(() => WebhookParser.Parse(new byte[] { (byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)'}' }));

    [Test]
    public void WebhookEventType_All_ListsTheSevenKnownTypes()
        => Assert.That(WebhookEventType.All, Is.EqualTo(new[] { "sms.queued", "sms.processing", "sms.sent", "sms.delivered", "sms.failed", "sms.received", "sms.unknown" }));

    [Test]
    public void Parse_AnUnknownOutcome_KeepsItsCodeAndTheCarriersWords()
    {
        var evt = WebhookParser.Parse(Encoding.UTF8.GetBytes(
            """{"id":"evt_u","type":"sms.unknown","created_at":"2026-12-08T00:00:00Z","data":{"message_id":"m1","to":"+243810000001","status":"unknown","previous_status":"sent","segments":1,"error_code":1515,"error_message":"No final receipt came in time.","carrier_error":"query_sm: ESME_RQUERYFAIL (0x00000067)","occurrence":1,"occurred_at":"2026-12-08T00:00:00Z"}}"""));

        Assert.Multiple(() =>
        {
            Assert.That(evt.Type, Is.EqualTo(WebhookEventType.SmsUnknown));
            Assert.That(evt.Type.IsKnown, Is.True);
            Assert.That(evt.Data.Status, Is.EqualTo(SmsStatus.Unknown));
            Assert.That(evt.Data.ErrorCode, Is.EqualTo(LisolooErrorCodes.NoReceipt));
            Assert.That(LisolooErrorCodes.GetName(evt.Data.ErrorCode!.Value), Is.EqualTo("NoReceipt"));
            Assert.That(evt.Data.CarrierError, Is.EqualTo("query_sm: ESME_RQUERYFAIL (0x00000067)"));
            Assert.That(evt.Data.AdditionalProperties, Is.Null.Or.Empty, "carrier_error is modelled, not left over");
        });
    }

    [Test]
    public void WebhookEventType_DefaultValue_IsEmptyAndUnknown()
    {
        var value = default(WebhookEventType);

        Assert.That(value.Value, Is.Empty);
        Assert.That(value.IsKnown, Is.False);
    }
}
