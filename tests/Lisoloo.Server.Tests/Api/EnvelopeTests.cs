using System.Text;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Server.Api;

namespace Lisoloo.Server.Tests.Api;

/// <summary>
/// The envelopes reuse one JSON writer and buffer per thread: each body must come out whole and alone, whatever the
/// thread wrote before (a longer body, a body too large to keep, a write that failed half-way).
/// </summary>
[TestFixture]
public sealed class EnvelopeTests
{
    private static readonly SendResult Small = new()
    {
        MessageId = "0123456789abcdef01234567",
        TotalRecipients = 1,
        TotalMessages = 1,
        TotalCost = 0.02m,
        Currency = "USD",
        Status = SmsStatus.Pending,
        SendingType = new SendingType("immediate"),
        FirstSendAt = DateTimeOffset.FromUnixTimeMilliseconds(1_767_225_600_000),
    };

    private const string SmallJson = """{"status_code":201,"data":{"message_id":"0123456789abcdef01234567","total_recipients":1,"total_messages":1,"total_cost":0.02,"currency":"USD","status":"pending","sending_type":"immediate","first_send_at":"2026-01-01T00:00:00+00:00"},"request_id":"req_1"}""";

    private static string Write(SendResult result, string? requestId = "req_1") =>
        Encoding.UTF8.GetString(Envelope.Success(201, result, ServerJsonContext.Default.SendResult, requestId));

    [Test]
    public void A_body_written_after_a_longer_one_carries_nothing_of_it()
    {
        var longer = Write(Small with { MessageId = new string('f', 2_000), Currency = "+1 ünïcode" }, "req_" + new string('9', 500));
        Assert.That(longer, Does.Contain("\"currency\":\"+1 ünïcode\""), "relaxed escaping: + and non-ASCII stay readable");
        Assert.That(Write(Small), Is.EqualTo(SmallJson));
    }

    [Test]
    public void A_body_too_large_to_keep_is_whole_and_the_next_one_too()
    {
        var large = Write(Small with { MessageId = new string('a', 100_000) });
        using (var doc = JsonDocument.Parse(large))
        {
            Assert.That(doc.RootElement.GetProperty("data").GetProperty("message_id").GetString(), Has.Length.EqualTo(100_000));
        }

        Assert.That(Write(Small), Is.EqualTo(SmallJson));
    }

    [Test]
    public void A_write_that_fails_half_way_leaves_the_next_body_intact()
    {
        var failing = new ApiError(400, 1101, "bad") { Details = new Dictionary<string, object> { ["first"] = 1, ["boom"] = new Unprintable() } };
        Assert.Throws<InvalidOperationException>(() => Envelope.Error(failing, "req_x"));
        Assert.That(Write(Small), Is.EqualTo(SmallJson));
        var error = Encoding.UTF8.GetString(Envelope.Error(new ApiError(404, 1404, "gone"), "req_2"));
        Assert.That(error, Is.EqualTo("""{"status_code":404,"error_code":1404,"message":"gone","request_id":"req_2"}"""));
    }

    [Test]
    public async Task Bodies_written_on_many_threads_at_once_stay_apart()
    {
        var tasks = Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            for (var i = 0; i < 500; i++)
            {
                var id = $"{t:x2}{i:x22}";
                var json = Write(Small with { MessageId = id }, null);
                using var doc = JsonDocument.Parse(json);
                if (doc.RootElement.GetProperty("data").GetProperty("message_id").GetString() != id || doc.RootElement.TryGetProperty("request_id", out _))
                {
                    return json;
                }
            }

            return null;
        })).ToList();
        var wrong = (await Task.WhenAll(tasks)).Where(w => w is not null).ToList();
        Assert.That(wrong, Is.Empty);
    }

    private sealed class Unprintable
    {
        public override string ToString() => throw new InvalidOperationException("cannot print");
    }
}
