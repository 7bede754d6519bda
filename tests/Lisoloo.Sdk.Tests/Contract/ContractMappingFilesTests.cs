using System.Text.Json.Nodes;

namespace Lisoloo.Sdk.Tests.Contract;

/// <summary>
/// The mapping files themselves follow the rules that make them a contract: tagged with endpoint and family, matching the
/// key and concrete JSON bodies (so they can be replayed against the reference server), answering exact envelopes.
/// </summary>
[Category("Contract")]
public sealed class ContractMappingFilesTests
{
    private static readonly string[] Endpoints = ["send", "schedule", "recurring", "status", "balance", "calculate", "health", "cancel", "pause", "resume"];

    private static readonly string[] ErrorFamilies =
    [
        "validation", "authentication", "insufficient-balance", "not-found", "conflict", "unprocessable", "rate-limit", "server-error", "unavailable",
    ];

    private static readonly string[] ScenarioFamilies = ["retry-429-then-201", "retry-503-twice-then-201", "attempt-timeout-then-201"];

    private static readonly string[] ReplayKinds = ["as-is", "needs-fixture", "stub-only"];

    private static IEnumerable<TestCaseData> Mappings() => ContractMappings.All.Select(m => new TestCaseData(m).SetArgDisplayNames(m.File + ": " + m.Name));

    [Test]
    public void Mappings_CoverEveryEndpointAndEveryFamily()
    {
        var all = ContractMappings.All;
        Assert.Multiple(() =>
        {
            Assert.That(all.Where(m => m.Family == "success").Select(m => m.Endpoint).Distinct(), Is.EquivalentTo(Endpoints), "a success mapping per endpoint");
            Assert.That(all.Select(m => m.Family), Is.SupersetOf(ErrorFamilies).And.SupersetOf(ScenarioFamilies));
            Assert.That(all.Select(m => m.Name), Is.Unique);
        });
    }

    [TestCaseSource(nameof(Mappings))]
    public void Mapping_IsTaggedAndMatchesTheKeyAndAConcreteRequest(ContractMapping mapping)
    {
        var request = mapping.Request;
        var method = (string?)request["method"];
        var headers = request["headers"]?.AsObject();
        Assert.Multiple(() =>
        {
            Assert.That(mapping.Endpoint, Is.AnyOf(Endpoints), "metadata.lisoloo.endpoint");
            Assert.That(mapping.Family, Is.Not.Null.And.Not.Empty, "metadata.lisoloo.family");
            Assert.That(mapping.Replay, Is.AnyOf(ReplayKinds), "metadata.lisoloo.replay");
            Assert.That(method, Is.AnyOf("GET", "POST", "DELETE"));
            Assert.That((string?)request["url"], Does.StartWith("/api/v1/lisoloo/sms-api/"), "an exact url, no patterns");
            Assert.That(request["urlPattern"] ?? request["urlPathPattern"], Is.Null, "an exact url, no patterns");
            Assert.That(headers, Is.Not.Null);
        });

        if (mapping.Endpoint != "health")
        {
            Assert.That((string?)headers!["app-key"]?["equalTo"], Does.StartWith("sk_test_contract"), "every endpoint but health matches the key");
        }

        if (method is "POST" or "DELETE")
        {
            Assert.That(headers!["Idempotency-Key"], Is.Not.Null, "POST and DELETE match the Idempotency-Key");
        }

        if (request["bodyPatterns"] is JsonArray patterns)
        {
            Assert.That(patterns, Has.Count.EqualTo(1));
            var pattern = patterns[0]!.AsObject();
            Assert.Multiple(() =>
            {
                Assert.That(pattern["equalToJson"], Is.InstanceOf<JsonObject>(), "a concrete JSON body");
                Assert.That((bool?)pattern["ignoreExtraElements"], Is.False, "exact bodies: no extra members");
                Assert.That((bool?)pattern["ignoreArrayOrder"], Is.False, "exact bodies: array order counts");
                Assert.That(headers!["Content-Type"], Is.Not.Null, "a body is matched with its Content-Type");
            });
        }
        else
        {
            Assert.That(mapping.Endpoint, Is.Not.AnyOf("send", "schedule", "recurring", "calculate"), "sends and calculations match their body");
        }

        if (mapping.Json["scenarioName"] is not null)
        {
            Assert.That(mapping.Json["requiredScenarioState"], Is.Not.Null, "a scenario step names the state it answers in");
        }
    }

    [TestCaseSource(nameof(Mappings))]
    public void Mapping_AnswersAnExactContractEnvelope(ContractMapping mapping)
    {
        var response = mapping.Response;
        var status = (int?)response["status"];
        var body = response["jsonBody"]?.AsObject();
        var requestId = (string?)response["headers"]?["X-Request-Id"];
        Assert.That(body, Is.Not.Null, "a jsonBody");
        Assert.Multiple(() =>
        {
            Assert.That((string?)response["headers"]?["Content-Type"], Is.EqualTo("application/json; charset=utf-8"));
            Assert.That(requestId, Does.StartWith("req_"), "an X-Request-Id header");
            Assert.That((string?)body!["request_id"], Is.EqualTo(requestId), "request_id in the body equals X-Request-Id");
            Assert.That((int?)body["status_code"], Is.EqualTo(status), "status_code equals the HTTP status");
        });

        if (body!["data"] is JsonObject)
        {
            Assert.That(body["error_code"], Is.Null, "success or error, not both");
            return;
        }

        var code = (int?)body["error_code"];
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.InRange(400, 599));
            Assert.That(code, Is.InRange(1001, 1599));
            Assert.That(LisolooErrorCodes.GetName(code ?? 0), Is.Not.Null, "a code of the catalogue");
            Assert.That((string?)body["message"], Is.Not.Null.And.Not.Empty);
        });
        if (body["errors"] is JsonArray errors)
        {
            foreach (var error in errors)
            {
                Assert.That(LisolooErrorCodes.GetName((int?)error!["error_code"] ?? 0), Is.Not.Null, "field error codes come from the catalogue");
            }
        }
    }
}
