using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Contract;

/// <summary>
/// Replays the contract mappings (tests/contract/mappings, WireMock.Net's format) against the real server: each mapping's recorded
/// request is sent as is, and the answer must have the mapping's status, error code and body shape. Mappings tagged
/// <c>as-is</c> need nothing; <c>needs-fixture</c> ones get the state they describe first; <c>stub-only</c> ones
/// (injected 5xx, retry scenarios) have no honest server counterpart and are not replayed. Runs on real Kestrel and on
/// the in-memory test host.
/// </summary>
[TestFixture(false, StoreKind.Sqlite)]
[TestFixture(true, StoreKind.Sqlite)]
[TestFixture(false, StoreKind.Postgres)]
public sealed class ContractReplayTests(bool inMemory, StoreKind store)
{
    private const string Key = "sk_test_contract0000000000000001";
    private TestServer _server = null!;
    private ApiKeyInfo _key = null!;

    [SetUp]
    public async Task StartAsync()
    {
        _server = await TestServer.StartAsync(inMemory: inMemory, store: store);
        _key = await _server.CreateKnownKeyAsync(Key, "contract", balance: 125.5m);
    }

    [TearDown]
    public async Task StopAsync() => await _server.DisposeAsync();

    public static IEnumerable<string> AsIs() => Mappings().Where(m => Replay(m.Json) == "as-is").Select(m => m.File);

    [TestCaseSource(nameof(AsIs))]
    public async Task As_is_mapping_replays_with_its_status_and_shape(string file)
    {
        if (file == "error-401-revoked-key.json")
        {
            // The recorded request carries a revoked key: revoke ours first.
            Assert.That(await _server.Store.RevokeKeyAsync(_key.KeyId), Is.True);
        }

        await ReplayAsync(file);
    }

    [Test]
    public async Task Balance_and_calculate_mappings_replay()
    {
        await ReplayAsync("balance-200.json");
        await ReplayAsync("calculate-budget-200.json");
        await ReplayAsync("calculate-send-immediate-200.json");
        await ReplayAsync("calculate-send-scheduled-200.json");
    }

    [Test]
    public async Task Status_and_cannot_cancel_replay_on_a_delivered_send()
    {
        await SeedAsync("6650a1b2c3d4e5f601234567", "immediate", ["+243998857000", "+243810000001"], []);
        await Wait.UntilAsync(async () => (await _server.Store.GetSendAsync("6650a1b2c3d4e5f601234567", _key.AccountId))!.Deliveries.All(d => d.State == "delivered"),
            TimeSpan.FromSeconds(20), "the seeded send delivered");
        await ReplayAsync("status-200.json");
        await ReplayAsync("error-409-cannot-cancel.json");
    }

    [Test]
    public async Task Cancel_replays_on_a_scheduled_send()
    {
        await SeedAsync("6650a1b2c3d4e5f601234568", "scheduled", ["+243998857000"], [Future(days: 30), Future(days: 37)]);
        await ReplayAsync("cancel-200.json");
    }

    [Test]
    public async Task Pause_then_resume_replay_with_one_occurrence_skipped()
    {
        var soon = TimeProvider.System.GetUtcNow().AddSeconds(1).ToUnixTimeMilliseconds();
        await SeedAsync("6650a1b2c3d4e5f601234569", "scheduled", ["+243998857000"], [soon, Future(days: 30)]);
        await ReplayAsync("pause-200.json");
        await Wait.UntilAsync(() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds() > soon + 50, TimeSpan.FromSeconds(5), "the first occurrence passes while paused");
        await ReplayAsync("resume-200.json");
    }

    [Test]
    public async Task Idempotency_conflict_replays_after_a_first_use_of_the_key()
    {
        var first = await _server.SendRawAsync(HttpMethod.Post, "send", Key, "{\"to\":[\"+243998857000\"],\"message\":\"first body\"}",
            new Dictionary<string, string> { ["Idempotency-Key"] = "contract-reused-key-0001" });
        Assert.That(first.Status, Is.EqualTo(201));
        await ReplayAsync("error-409-idempotency-reused.json");
    }

    [Test]
    public async Task Insufficient_balance_replays_against_a_balance_of_five_cents()
    {
        await _server.DisposeAsync();
        _server = await TestServer.StartAsync(inMemory: inMemory, store: store);
        _key = await _server.CreateKnownKeyAsync(Key, "contract", balance: 0.05m);
        await ReplayAsync("error-402-insufficient-balance.json");
    }

    [Test]
    public void Every_needs_fixture_mapping_has_a_replay_here_or_a_documented_reason()
    {
        var covered = new HashSet<string>
        {
            "balance-200.json", "calculate-budget-200.json", "calculate-send-immediate-200.json", "calculate-send-scheduled-200.json",
            "status-200.json", "error-409-cannot-cancel.json", "cancel-200.json", "pause-200.json", "resume-200.json",
            "error-409-idempotency-reused.json", "error-402-insufficient-balance.json",
        };
        var needs = Mappings().Where(m => Replay(m.Json) == "needs-fixture").Select(m => m.File).ToHashSet();
        Assert.That(needs.Except(covered), Is.Empty, "a new needs-fixture mapping needs a replay test");
    }

    private async Task ReplayAsync(string file)
    {
        var mapping = Mappings().Single(m => m.File == file).Json;
        var request = mapping["Request"]!;
        var method = new HttpMethod(request["Methods"]![0]!.GetValue<string>());
        var url = request["Path"]!["Matchers"]![0]!["Pattern"]!.GetValue<string>();
        var path = url[TestServer.ApiPath.Length..];
        var headers = new Dictionary<string, string>();
        string? apiKey = null;
        var contentType = "application/json";
        foreach (var header in request["Headers"]?.AsArray() ?? [])
        {
            var name = header!["Name"]!.GetValue<string>();
            var matcher = header["Matchers"]![0]!;
            var value = matcher["Name"]!.GetValue<string>() == "ExactMatcher" ? matcher["Pattern"]!.GetValue<string>() : null;
            if (name.Equals("app-key", StringComparison.OrdinalIgnoreCase))
            {
                apiKey = value;
            }
            else if (name.Equals("Content-Type", StringComparison.OrdinalIgnoreCase))
            {
                contentType = value!.Split(';')[0];
            }
            else if (value is not null)
            {
                headers[name] = value;
            }
            else
            {
                headers[name] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)); // a pattern: the SDK's key shape
            }
        }

        var body = request["Body"]?["Matcher"]?["Pattern"]?.ToJsonString();
        var answer = await _server.SendRawAsync(method, path, apiKey, body, headers, contentType);
        var expected = mapping["Response"]!;
        var expectedBody = expected["BodyAsJson"]!.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(answer.Status, Is.EqualTo(expected["StatusCode"]!.GetValue<int>()), $"{file}: {answer.Body}");
            Assert.That(answer.Headers.ContainsKey("X-Request-Id"), Is.True, $"{file}: X-Request-Id");
            if (expectedBody["error_code"] is { } code)
            {
                Assert.That(answer.ErrorCode, Is.EqualTo(code.GetValue<int>()), $"{file}: {answer.Body}");
            }
        });
        var actual = JsonNode.Parse(answer.Body)!.AsObject();
        AssertShape(file, "$", expectedBody, actual);
    }

    /// <summary>Every member the mapping shows exists in the server's answer with the same JSON kind, recursively into objects.</summary>
    private static void AssertShape(string file, string path, JsonObject expected, JsonObject actual)
    {
        foreach (var (name, value) in expected)
        {
            if (name == "errors" || value is null)
            {
                continue; // field errors are matched by code above; nulls carry no shape
            }

            Assert.That(actual.ContainsKey(name), Is.True, $"{file}: {path}.{name} is missing from the server's answer {actual.ToJsonString()}");
            var other = actual[name];
            Assert.That(other?.GetValueKind(), Is.EqualTo(value.GetValueKind()), $"{file}: {path}.{name} has another JSON kind");
            if (value is JsonObject inner && other is JsonObject otherInner && name is not "counts" and not "details")
            {
                AssertShape(file, path + "." + name, inner, otherInner);
            }
        }
    }

    private Task SeedAsync(string messageId, string type, string[] recipients, long[] occurrences)
    {
        var at = occurrences.Length == 0 ? [TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds()] : occurrences;
        var cost = recipients.Length * at.Length * _key.UnitPriceMicros;
        return _server.Store.AcceptSendAsync(_key, new NewSend(messageId, type, "Contract fixture", "LISOLOO", "gsm7", 1, recipients, at, cost, null, null, null, 0),
            null, new(201, [1]));
    }

    private static long Future(int days) => TimeProvider.System.GetUtcNow().AddDays(days).ToUnixTimeMilliseconds();

    private static string? Replay(JsonObject mapping) => mapping["Data"]?["lisoloo"]?["replay"]?.GetValue<string>();

    /// <summary>The single-mapping files (WireMock.Net's format); a file holding an array is a scenario's steps, all stub-only.</summary>
    private static IEnumerable<(string File, JsonObject Json)> Mappings() =>
        Directory.GetFiles(Path.Combine(RepoPaths.ContractDir, "mappings"), "*.json").Order(StringComparer.Ordinal)
            .Select(f => (File: Path.GetFileName(f), Json: JsonNode.Parse(File.ReadAllText(f))))
            .Where(m => m.Json is JsonObject)
            .Select(m => (m.File, m.Json!.AsObject()));
}
