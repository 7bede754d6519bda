using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Server.Api;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Tests.Infrastructure;

namespace Lisoloo.Server.Tests.Validation;

/// <summary>Who calls: a valid key, no key, a malformed key, or a well-formed key the server does not know.</summary>
public enum CallerKey
{
    Valid,
    Missing,
    Malformed,
    Unknown,
}

/// <summary>One bad request and the exact answer the contract's catalogue expects for it.</summary>
/// <param name="Name">The test name.</param>
/// <param name="Method">HTTP method.</param>
/// <param name="Path">Path under the v1 API.</param>
/// <param name="Body">The raw body (a factory, so big bodies are built only when the case runs); null sends no body.</param>
/// <param name="Status">Expected HTTP status.</param>
/// <param name="ErrorCode">Expected top-level <c>error_code</c>.</param>
/// <param name="Field">Expected <c>errors[].field</c> at fault (with the same code); null when no field is at fault.</param>
public sealed record BadInput(string Name, string Method, string Path, Func<string>? Body, int Status, int ErrorCode, string? Field)
{
    public string ContentType { get; init; } = "application/json";

    public CallerKey Key { get; init; } = CallerKey.Valid;

    public IReadOnlyDictionary<string, string>? Headers { get; init; }

    public override string ToString() => Name;
}

/// <summary>What the sweep runs against.</summary>
public enum SweepTarget
{
    /// <summary>The reference server: real Kestrel, real SQLite.</summary>
    Server,

    /// <summary>Lisoloo.Sdk.Testing's <c>LisolooMockServer</c>, which must answer every case as the server does.</summary>
    Mock,
}

/// <summary>
/// Table-driven sweep of bad requests against the real server (real Kestrel, real SQLite) and against the mock
/// customers test with (<c>LisolooMockServer</c>): each answers with the exact status, top-level error code and field
/// of the catalogue, never a 500, and nothing is ever debited. The same table on both keeps the mock from drifting.
/// </summary>
[TestFixture(SweepTarget.Server)]
[TestFixture(SweepTarget.Mock)]
public sealed class BadInputSweepTests(SweepTarget target)
{
    private const string Merchant = "sweep";
    private const decimal OpeningBalance = 1m;
    private const decimal UnitPrice = 0.02m;
    private const string Good = "+14155550100";

    private readonly ConcurrentDictionary<string, int> _seen = new(StringComparer.Ordinal);
    private TestServer? _server;
    private Lisoloo.Sdk.Testing.LisolooMockServer? _mock;
    private HttpClient _http = null!;
    private string _key = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (target == SweepTarget.Mock)
        {
            _mock = Lisoloo.Sdk.Testing.LisolooMockServer.Start(new() { Balance = OpeningBalance, UnitPrice = UnitPrice, SendPerMinute = 0 });
            _http = new HttpClient { BaseAddress = new Uri(_mock.Url, TestServer.ApiPath.TrimStart('/')) };
            _key = _mock.ApiKey;
            return;
        }

        _server = await TestServer.StartAsync();
        var key = await _server.CreateKeyAsync(merchant: Merchant, balance: OpeningBalance, unitPrice: UnitPrice, sendPerMinute: 100_000);
        _http = _server.Http;
        _key = key.ApiKey;
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_mock is not null)
        {
            _http.Dispose();
            await _mock.DisposeAsync();
        }

        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Test]
    [Order(1)]
    [TestCaseSource(nameof(Cases))]
    public async Task Bad_input_gets_the_catalogue_answer(BadInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var response = await SendAsync(input);
        _seen[input.Name] = response.Status;

        var json = response.Json;
        Assert.That(json, Is.Not.Null, "a JSON error envelope: " + response.Body);
        var root = json!.Value;
        Assert.Multiple(() =>
        {
            Assert.That(response.Status, Is.EqualTo(input.Status), response.Body);
            Assert.That(response.ErrorCode, Is.EqualTo(input.ErrorCode), response.Body);
            Assert.That(root.GetProperty("status_code").GetInt32(), Is.EqualTo(response.Status), "status_code mirrors the HTTP status");
            Assert.That(root.GetProperty("message").GetString(), Is.Not.Empty);
            Assert.That(root.TryGetProperty("data", out _), Is.False, "no data on an error");
            Assert.That(response.Headers.TryGetValue("X-Request-Id", out var requestId), Is.True);
            Assert.That(requestId, Does.Match("^req_[0-9a-f]{24}$"));
            Assert.That(root.GetProperty("request_id").GetString(), Is.EqualTo(requestId), "the body quotes the header's request id");
            if (input.Field is null)
            {
                Assert.That(response.FieldErrors, Is.Empty, "no field is at fault: " + response.Body);
            }
            else
            {
                Assert.That(response.FieldErrors, Is.EqualTo(new[] { (input.Field, input.ErrorCode) }), response.Body);
            }
        });
    }

    [Test]
    [Order(2)]
    public async Task After_the_sweep_nothing_was_debited_and_nothing_was_a_500()
    {
        var expected = Cases().Count();
        Assert.That(_seen, Has.Count.EqualTo(expected), "run the whole fixture: the sweep must have run first");
        Assert.That(_seen.Where(kv => kv.Value >= 500).Select(kv => kv.Key), Is.Empty, "no 5xx answers");
        if (_mock is not null)
        {
            Assert.Multiple(() =>
            {
                Assert.That(_mock.Balance, Is.EqualTo(OpeningBalance), "balance unchanged");
                Assert.That(_mock.Sends, Is.Empty, "no send recorded");
            });
            return;
        }


        var server = _server!;
        var account = (await server.Store.GetBalanceAsync(Merchant, "test"))!;
        var ledger = await server.Store.LedgerTotalsAsync(account.AccountId);
        var sends = ((Lisoloo.Server.Storage.Sqlite.SqliteStore)server.Store).Database.Read(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM sends WHERE account_id = @a";
            cmd.Parameters.AddWithValue("@a", account.AccountId);
            return (long)cmd.ExecuteScalar()!;
        });
        Assert.Multiple(() =>
        {
            Assert.That(Money.ToDecimal(account.BalanceMicros), Is.EqualTo(OpeningBalance), "balance unchanged");
            Assert.That(account.ReservedMicros, Is.Zero, "nothing reserved");
            Assert.That(sends, Is.Zero, "no send stored");
            Assert.That(ledger, Is.EqualTo((account.BalanceMicros, 0L)), "the ledger holds the opening top-up only");
        });
    }

    [Test]
    public async Task Recipients_are_counted_after_de_duplication()
    {
        // The catalogue's 1104 is "more than 1,000 recipients after de-duplication": 1,001 entries of which two are
        // the same number once normalised are 1,000 recipients, and accepted. Its own merchant keeps the sweep's ledger.
        var to = Numbers(1000).Append("+1 (415) 555-0100").ToArray();
        int status;
        string body;
        if (_server is not null)
        {
            var key = await _server.CreateKeyAsync(merchant: "dedupe", balance: 100m, unitPrice: 0.01m, sendPerMinute: 1000);
            var response = await _server.SendRawAsync(HttpMethod.Post, "send", key.ApiKey, Send(new { to, message = "Hi" }));
            (status, body) = (response.Status, response.Body);
        }
        else
        {
            await using var mock = Lisoloo.Sdk.Testing.LisolooMockServer.Start(new() { Balance = 100m, UnitPrice = 0.01m });
            using var http = new HttpClient { BaseAddress = new Uri(mock.Url, TestServer.ApiPath.TrimStart('/')) };
            using var request = new HttpRequestMessage(HttpMethod.Post, "send") { Content = new StringContent(Send(new { to, message = "Hi" }), Encoding.UTF8, "application/json") };
            request.Headers.TryAddWithoutValidation("app-key", mock.ApiKey);
            using var response = await http.SendAsync(request);
            (status, body) = ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        Assert.That(status, Is.EqualTo(201), body);
        using var doc = JsonDocument.Parse(body);
        Assert.That(doc.RootElement.GetProperty("data").GetProperty("total_recipients").GetInt32(), Is.EqualTo(1000));
    }

    public static IEnumerable<TestCaseData> Cases() => All().Select(c => new TestCaseData(c).SetName(c.Name));

    private static IEnumerable<BadInput> All()
    {
        var today = DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime);
        var future = Date(today.AddDays(30));
        var nextYear = today.Year + 1;

        // ---- body shape
        yield return Post("json_malformed", () => "{\"to\": [\"+14155550100\"], \"message\": ", 400, LisolooErrorCodes.MalformedJson, null);
        yield return Post("json_trailing_comma", () => "{\"to\": [\"+14155550100\"], \"message\": \"Hi\",}", 400, LisolooErrorCodes.MalformedJson, null);
        yield return Post("json_array_instead_of_object", () => "[{\"to\": [\"+14155550100\"], \"message\": \"Hi\"}]", 400, LisolooErrorCodes.MalformedJson, null);
        yield return Post("json_string_instead_of_object", () => "\"send this\"", 400, LisolooErrorCodes.MalformedJson, null);
        yield return Post("json_null_instead_of_object", () => "null", 400, LisolooErrorCodes.MalformedJson, null);
        yield return Post("json_nested_too_deep", () => "{\"to\": " + new string('[', 100) + new string(']', 100) + "}", 400, LisolooErrorCodes.MalformedJson, null);
        yield return Post("body_empty", () => string.Empty, 400, LisolooErrorCodes.MalformedJson, null);
        yield return new BadInput("body_absent", "POST", "send", null, 400, LisolooErrorCodes.MalformedJson, null);
        yield return Post("content_type_text_plain", () => Send(new { to = new[] { Good }, message = "Hi" }), 415, LisolooErrorCodes.UnsupportedMediaType, null) with { ContentType = "text/plain" };
        yield return Post("content_type_form", () => "to=%2B14155550100&message=Hi", 415, LisolooErrorCodes.UnsupportedMediaType, null) with { ContentType = "application/x-www-form-urlencoded" };
        yield return Post("body_just_over_256_kib", () => Send(new { to = new[] { Good }, message = new string('a', (256 * 1024) + 1) }), 413, LisolooErrorCodes.PayloadTooLarge, null);
        yield return Post("body_5_mb", () => Send(new { to = new[] { Good }, message = new string('a', 5 * 1024 * 1024) }), 413, LisolooErrorCodes.PayloadTooLarge, null);

        // ---- wrong JSON types
        yield return Post("to_as_number", () => "{\"to\": 14155550100, \"message\": \"Hi\"}", 400, LisolooErrorCodes.InvalidFieldType, "to");
        yield return Post("to_item_as_number", () => "{\"to\": [\"+14155550100\", 14155550101], \"message\": \"Hi\"}", 400, LisolooErrorCodes.InvalidFieldType, "to[1]");
        yield return Post("message_as_number", () => "{\"to\": [\"+14155550100\"], \"message\": 42}", 400, LisolooErrorCodes.InvalidFieldType, "message");
        yield return Post("sender_id_as_object", () => "{\"to\": [\"+14155550100\"], \"message\": \"Hi\", \"sender_id\": {\"name\": \"Acme\"}}", 400, LisolooErrorCodes.InvalidFieldType, "sender_id");
        yield return Post("sending_type_as_number", () => "{\"to\": [\"+14155550100\"], \"message\": \"Hi\", \"sending_type\": 1}", 400, LisolooErrorCodes.InvalidFieldType, "sending_type");
        yield return Post("interval_as_string", () => Recurring(today, r => r["interval"] = "2"), 400, LisolooErrorCodes.InvalidFieldType, "recurring_schedule.interval");
        yield return Post("cancel_within_as_string", () => Send(new { to = new[] { Good }, message = "Hi", cancel_within = "10" }), 400, LisolooErrorCodes.InvalidFieldType, "cancel_within");

        // ---- nulls for required fields
        yield return Post("to_null", () => "{\"to\": null, \"message\": \"Hi\"}", 400, LisolooErrorCodes.MissingRecipients, "to");
        yield return Post("message_null", () => "{\"to\": [\"+14155550100\"], \"message\": null}", 400, LisolooErrorCodes.EmptyMessage, "message");

        // ---- recipients
        yield return Post("to_empty", () => Send(new { to = Array.Empty<string>(), message = "Hi" }), 400, LisolooErrorCodes.MissingRecipients, "to");
        yield return Post("to_missing", () => Send(new { message = "Hi" }), 400, LisolooErrorCodes.MissingRecipients, "to");
        yield return Post("to_1001_recipients", () => Send(new { to = Numbers(1001), message = "Hi" }), 400, LisolooErrorCodes.TooManyRecipients, "to");
        yield return Post("to_invalid_at_index_3", () => Send(new { to = new[] { "+14155550100", "+14155550101", "+14155550102", "12ab", "+14155550104" }, message = "Hi" }), 400, LisolooErrorCodes.InvalidRecipient, "to[3]");
        yield return Post("to_too_short", () => Send(new { to = new[] { "+1234567" }, message = "Hi" }), 400, LisolooErrorCodes.InvalidRecipient, "to[0]");
        yield return Post("to_too_long", () => Send(new { to = new[] { "+1234567890123456" }, message = "Hi" }), 400, LisolooErrorCodes.InvalidRecipient, "to[0]");

        // ---- message
        yield return Post("message_empty", () => Send(new { to = new[] { Good }, message = string.Empty }), 400, LisolooErrorCodes.EmptyMessage, "message");
        yield return Post("message_whitespace", () => Send(new { to = new[] { Good }, message = " \t\n " }), 400, LisolooErrorCodes.EmptyMessage, "message");
        yield return Post("message_missing", () => Send(new { to = new[] { Good } }), 400, LisolooErrorCodes.EmptyMessage, "message");
        yield return Post("message_11_segments_gsm", () => Send(new { to = new[] { Good }, message = new string('a', (153 * 10) + 1) }), 400, LisolooErrorCodes.MessageTooLong, "message");
        yield return Post("message_11_segments_ucs2", () => Send(new { to = new[] { Good }, message = new string('é', 1) + new string('ж', 67 * 10) }), 400, LisolooErrorCodes.MessageTooLong, "message");
        yield return Post("message_control_character", () => "{\"to\": [\"+14155550100\"], \"message\": \"Hi\\u0001there\"}", 400, LisolooErrorCodes.InvalidCharacters, "message");
        yield return Post("message_nul_character", () => "{\"to\": [\"+14155550100\"], \"message\": \"Hi\\u0000\"}", 400, LisolooErrorCodes.InvalidCharacters, "message");
        yield return Post("message_lone_high_surrogate", () => "{\"to\": [\"+14155550100\"], \"message\": \"Hi \\ud800\"}", 400, LisolooErrorCodes.InvalidCharacters, "message");
        yield return Post("message_lone_low_surrogate", () => "{\"to\": [\"+14155550100\"], \"message\": \"\\udc00 Hi\"}", 400, LisolooErrorCodes.InvalidCharacters, "message");

        // ---- sender_id
        yield return Post("sender_id_12_letters", () => Send(new { to = new[] { Good }, message = "Hi", sender_id = "ABCDEFGHIJKL" }), 400, LisolooErrorCodes.InvalidSenderId, "sender_id");
        yield return Post("sender_id_16_digits", () => Send(new { to = new[] { Good }, message = "Hi", sender_id = "1234567890123456" }), 400, LisolooErrorCodes.InvalidSenderId, "sender_id");
        yield return Post("sender_id_punctuation", () => Send(new { to = new[] { Good }, message = "Hi", sender_id = "Acme-Shop!" }), 400, LisolooErrorCodes.InvalidSenderId, "sender_id");
        yield return Post("sender_id_empty", () => Send(new { to = new[] { Good }, message = "Hi", sender_id = string.Empty }), 400, LisolooErrorCodes.InvalidSenderId, "sender_id");

        // ---- sending_type
        yield return Post("sending_type_unknown", () => Send(new { to = new[] { Good }, message = "Hi", sending_type = "fax" }), 400, LisolooErrorCodes.InvalidSendingType, "sending_type");

        // ---- scheduled
        yield return Post("scheduled_without_dates", () => Send(new { to = new[] { Good }, message = "Hi", sending_type = "scheduled" }), 400, LisolooErrorCodes.InvalidScheduledDates, "scheduled_dates");
        yield return Post("scheduled_dates_empty", () => Send(new { to = new[] { Good }, message = "Hi", sending_type = "scheduled", scheduled_dates = Array.Empty<object>() }), 400, LisolooErrorCodes.InvalidScheduledDates, "scheduled_dates");
        yield return Post("scheduled_101_dates", () => Send(new
        {
            to = new[] { Good },
            message = "Hi",
            sending_type = "scheduled",
            scheduled_dates = Enumerable.Range(0, 101).Select(i => new { date = Date(today.AddDays(10 + i)), time = "09:00" }).ToArray(),
        }), 400, LisolooErrorCodes.InvalidScheduledDates, "scheduled_dates");
        yield return Post("scheduled_date_in_past", () => Scheduled(new { date = Date(today.AddDays(-1)), time = "09:00" }), 400, LisolooErrorCodes.ScheduleInPast, "scheduled_dates[0]");
        yield return Post("scheduled_february_30", () => Scheduled(new { date = $"{nextYear:D4}-02-30", time = "09:00" }), 400, LisolooErrorCodes.InvalidDateOrTime, "scheduled_dates[0].date");
        yield return Post("scheduled_date_not_iso", () => Scheduled(new { date = "30/06/" + nextYear.ToString(CultureInfo.InvariantCulture), time = "09:00" }), 400, LisolooErrorCodes.InvalidDateOrTime, "scheduled_dates[0].date");
        yield return Post("scheduled_time_25_00", () => Scheduled(new { date = future, time = "25:00" }), 400, LisolooErrorCodes.InvalidDateOrTime, "scheduled_dates[0].time");
        yield return Post("scheduled_unknown_timezone", () => Scheduled(new { date = future, time = "09:00", timezone = "Mars/Olympus_Mons" }), 400, LisolooErrorCodes.InvalidTimeZone, "scheduled_dates[0].timezone");
        yield return Post("top_level_unknown_timezone", () => Send(new
        {
            to = new[] { Good },
            message = "Hi",
            sending_type = "scheduled",
            timezone = "Not/AZone",
            scheduled_dates = new[] { new { date = future, time = "09:00" } },
        }), 400, LisolooErrorCodes.InvalidTimeZone, "timezone");

        // ---- recurring
        yield return Post("recurring_without_schedule", () => Send(new { to = new[] { Good }, message = "Hi", sending_type = "recurring" }), 400, LisolooErrorCodes.InvalidRecurringSchedule, "recurring_schedule");
        yield return Post("recurring_interval_0", () => Recurring(today, r => r["interval"] = 0), 400, LisolooErrorCodes.InvalidInterval, "recurring_schedule.interval");
        yield return Post("recurring_interval_fractional", () => Recurring(today, r => r["interval"] = 1.5), 400, LisolooErrorCodes.InvalidInterval, "recurring_schedule.interval");
        yield return Post("recurring_25_times_a_day", () => Recurring(today, r => r["times"] = Enumerable.Range(0, 25).Select(i => $"{i % 24:D2}:{(i / 24) * 30:D2}").ToArray()), 400, LisolooErrorCodes.InvalidTimes, "recurring_schedule.times");
        yield return Post("recurring_frequency_hourly", () => Recurring(today, r => r["frequency"] = "hourly"), 400, LisolooErrorCodes.InvalidFrequency, "recurring_schedule.frequency");
        yield return Post("recurring_end_before_start", () => Recurring(today, r => r["end_date"] = Date(today.AddDays(5))), 400, LisolooErrorCodes.InvalidRecurringSchedule, "recurring_schedule.end_date");
        yield return Post("recurring_days_of_week_on_daily", () => Recurring(today, r => r["days_of_week"] = new[] { "monday" }), 400, LisolooErrorCodes.InvalidDaysOfWeek, "recurring_schedule.days_of_week");
        yield return Post("recurring_over_10000_occurrences", () => Recurring(today, r =>
        {
            r["end_date"] = Date(today.AddDays(10 + 500));
            r["times"] = Enumerable.Range(0, 24).Select(h => $"{h:D2}:00").ToArray();
        }), 400, LisolooErrorCodes.TooManyOccurrences, "recurring_schedule");

        // ---- cancel window, callback
        yield return Post("cancel_within_61", () => Send(new { to = new[] { Good }, message = "Hi", cancel_within = 61 }), 400, LisolooErrorCodes.InvalidCancelWithin, "cancel_within");
        yield return Post("cancel_within_negative", () => Send(new { to = new[] { Good }, message = "Hi", cancel_within = -1 }), 400, LisolooErrorCodes.InvalidCancelWithin, "cancel_within");
        yield return Post("cancel_within_fractional", () => Send(new { to = new[] { Good }, message = "Hi", cancel_within = 2.5 }), 400, LisolooErrorCodes.InvalidCancelWithin, "cancel_within");
        yield return Post("callback_url_ftp", () => Send(new { to = new[] { Good }, message = "Hi", callback_url = "ftp://x" }), 400, LisolooErrorCodes.InvalidCallbackUrl, "callback_url");
        yield return Post("callback_url_relative", () => Send(new { to = new[] { Good }, message = "Hi", callback_url = "/hooks/sms" }), 400, LisolooErrorCodes.InvalidCallbackUrl, "callback_url");

        // ---- headers
        yield return Post("idempotency_key_256_chars", () => Send(new { to = new[] { Good }, message = "Hi" }), 400, LisolooErrorCodes.InvalidIdempotencyKey, "Idempotency-Key")
            with { Headers = new Dictionary<string, string> { ["Idempotency-Key"] = new string('k', 256) } };
        yield return Post("idempotency_key_with_space", () => Send(new { to = new[] { Good }, message = "Hi" }), 400, LisolooErrorCodes.InvalidIdempotencyKey, "Idempotency-Key")
            with { Headers = new Dictionary<string, string> { ["Idempotency-Key"] = "order 42" } };

        // ---- money: a valid send the balance cannot cover is refused whole
        yield return Post("insufficient_balance", () => Send(new { to = Numbers(51), message = "Hi" }), 402, LisolooErrorCodes.InsufficientBalance, null);

        // ---- message ids
        yield return new BadInput("status_id_not_hex", "GET", "status/not-a-message-id", null, 400, LisolooErrorCodes.InvalidMessageId, "message_id");
        yield return new BadInput("status_id_uppercase", "GET", "status/0123456789ABCDEF01234567", null, 400, LisolooErrorCodes.InvalidMessageId, "message_id");
        yield return new BadInput("status_id_23_chars", "GET", "status/0123456789abcdef0123456", null, 400, LisolooErrorCodes.InvalidMessageId, "message_id");
        yield return new BadInput("cancel_id_malformed", "DELETE", "cancel/xyz", null, 400, LisolooErrorCodes.InvalidMessageId, "message_id");
        yield return new BadInput("status_unknown_id", "GET", "status/0123456789abcdef01234567", null, 404, LisolooErrorCodes.MessageNotFound, null);

        // ---- authentication
        yield return Post("app_key_missing", () => Send(new { to = new[] { Good }, message = "Hi" }), 401, LisolooErrorCodes.MissingApiKey, null) with { Key = CallerKey.Missing };
        yield return Post("app_key_malformed", () => Send(new { to = new[] { Good }, message = "Hi" }), 401, LisolooErrorCodes.MalformedApiKey, null) with { Key = CallerKey.Malformed };
        yield return Post("app_key_unknown", () => Send(new { to = new[] { Good }, message = "Hi" }), 401, LisolooErrorCodes.InvalidApiKey, null) with { Key = CallerKey.Unknown };
        yield return new BadInput("balance_app_key_missing", "GET", "balance", null, 401, LisolooErrorCodes.MissingApiKey, null) { Key = CallerKey.Missing };

        // ---- routes
        yield return new BadInput("unknown_route", "GET", "nothing-here", null, 404, LisolooErrorCodes.EndpointNotFound, null);
        yield return new BadInput("status_extra_segment", "GET", "status/0123456789abcdef01234567/more", null, 404, LisolooErrorCodes.EndpointNotFound, null);
        yield return new BadInput("send_wrong_method", "GET", "send", null, 404, LisolooErrorCodes.EndpointNotFound, null);
    }

    private static BadInput Post(string name, Func<string> body, int status, int code, string? field) => new(name, "POST", "send", body, status, code, field);

    private static readonly JsonSerializerOptions Json = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Send(object body) => JsonSerializer.Serialize(body, Json);

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string[] Numbers(int count) => Enumerable.Range(0, count).Select(i => "+1415555" + i.ToString("D4", CultureInfo.InvariantCulture)).ToArray();

    private static string Scheduled(object entry) => Send(new { to = new[] { Good }, message = "Hi", sending_type = "scheduled", scheduled_dates = new[] { entry } });

    /// <summary>A valid daily recurring send (days +10 to +20, 09:00 UTC) with one change.</summary>
    private static string Recurring(DateOnly today, Action<Dictionary<string, object>> change)
    {
        var schedule = new Dictionary<string, object>
        {
            ["start_date"] = Date(today.AddDays(10)),
            ["end_date"] = Date(today.AddDays(20)),
            ["frequency"] = "daily",
            ["interval"] = 1,
            ["times"] = new[] { "09:00" },
        };
        change(schedule);
        return Send(new { to = new[] { Good }, message = "Hi", sending_type = "recurring", recurring_schedule = schedule });
    }

    private async Task<RawResponse> SendAsync(BadInput input)
    {
        var key = input.Key switch
        {
            CallerKey.Valid => _key,
            CallerKey.Malformed => "not-a-key",
            CallerKey.Unknown => "sk_test_" + new string('Z', 40),
            _ => null,
        };
        var method = new HttpMethod(input.Method);

        // Bytes, not StringContent: the body must reach the server exactly as written (including the empty body).
        var headers = new Dictionary<string, string>(input.Headers ?? new Dictionary<string, string>());
        using var request = new HttpRequestMessage(method, input.Path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("app-key", key);
        }

        foreach (var (k, v) in headers)
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }

        var bytes = input.Body is null ? [] : Encoding.UTF8.GetBytes(input.Body());
        if (input.Body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(input.ContentType);
        }

        if (bytes.Length > HttpPlumbing.MaxBodyBytes)
        {
            // As curl does for big uploads: the server refuses on Content-Length before the body is sent. Without it the
            // server answers 413 and closes while the client is still writing, which HttpClient reports as a broken pipe.
            request.Headers.ExpectContinue = true;
        }
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var responseHeaders = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        JsonElement? parsed = null;
        if (body.Length > 0)
        {
            try
            {
                using var doc = JsonDocument.Parse(body);
                parsed = doc.RootElement.Clone();
            }
            catch (JsonException)
            {
                // Left null: the assertion reports the raw body.
            }
        }

        return new RawResponse((int)response.StatusCode, body, parsed, responseHeaders);
    }
}
