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

    private static readonly string[] ScenarioFamilies = ["retry-429-then-201", "retry-503-twice-then-201"];

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
        var method = mapping.Method;
        Assert.Multiple(() =>
        {
            Assert.That(mapping.Endpoint, Is.AnyOf(Endpoints), "Data.lisoloo.endpoint");
            Assert.That(mapping.Family, Is.Not.Null.And.Not.Empty, "Data.lisoloo.family");
            Assert.That(mapping.Replay, Is.AnyOf(ReplayKinds), "Data.lisoloo.replay");
            Assert.That(request["Methods"]!.AsArray(), Has.Count.EqualTo(1), "one method");
            Assert.That(method, Is.AnyOf("GET", "POST", "DELETE"));
            Assert.That(request["Path"]!["Matchers"]!.AsArray(), Has.Count.EqualTo(1));
            Assert.That((string?)request["Path"]!["Matchers"]![0]!["Name"], Is.EqualTo("ExactMatcher"), "an exact path, no patterns");
            Assert.That(mapping.Path, Does.StartWith("/api/v1/lisoloo/sms-api/"));
            Assert.That(request["Url"] ?? request["Params"], Is.Null, "the path alone, no URL or query matchers");
            Assert.That(mapping.HeaderMatcher("Accept")?["Pattern"]?.GetValue<string>(), Is.EqualTo("application/json"));
        });

        if (mapping.Endpoint != "health")
        {
            Assert.Multiple(() =>
            {
                Assert.That((string?)mapping.HeaderMatcher("app-key")?["Name"], Is.EqualTo("ExactMatcher"));
                Assert.That((string?)mapping.HeaderMatcher("app-key")?["Pattern"], Does.StartWith("sk_test_contract"), "every endpoint but health matches the key");
            });
        }

        if (method is "POST" or "DELETE")
        {
            var key = mapping.HeaderMatcher("Idempotency-Key");
            Assert.That(key, Is.Not.Null, "POST and DELETE match the Idempotency-Key");
            if ((string?)key!["Name"] == "RegexMatcher")
            {
                Assert.That((string?)key["Pattern"], Does.StartWith("^").And.EndWith("$"), "a pattern anchored at both ends (WireMock.Net's are not)");
            }
        }

        if (request["Body"] is JsonObject body)
        {
            Assert.Multiple(() =>
            {
                Assert.That((string?)body["Matcher"]?["Name"], Is.EqualTo("JsonMatcher"), "exact bodies: no extra members, array order counts");
                Assert.That(body["Matcher"]?["Pattern"], Is.InstanceOf<JsonObject>(), "a concrete JSON body");
                Assert.That(mapping.HeaderMatcher("Content-Type"), Is.Not.Null, "a body is matched with its Content-Type");
            });
        }
        else
        {
            Assert.That(mapping.Endpoint, Is.Not.AnyOf("send", "schedule", "recurring", "calculate"), "sends and calculations match their body");
        }

        if (mapping.Json["WhenStateIs"] is not null || mapping.Json["SetStateTo"] is not null)
        {
            Assert.That(mapping.Json["Scenario"], Is.Not.Null, "a scenario step names its scenario");
        }
    }

    [TestCaseSource(nameof(Mappings))]
    public void Mapping_AnswersAnExactContractEnvelope(ContractMapping mapping)
    {
        var response = mapping.Response;
        var status = (int?)response["StatusCode"];
        var body = response["BodyAsJson"]?.AsObject();
        var requestId = (string?)response["Headers"]?["X-Request-Id"];
        Assert.That(body, Is.Not.Null, "a BodyAsJson");
        Assert.Multiple(() =>
        {
            Assert.That((string?)response["Headers"]?["Content-Type"], Is.EqualTo("application/json; charset=utf-8"));
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
