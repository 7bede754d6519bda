using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Api;

/// <summary>The served OpenAPI document is the checked-in one, names every endpoint, and the explorer is served.</summary>
[TestFixture]
public sealed class OpenApiTests
{
    [Test]
    public async Task Served_yaml_equals_the_checked_in_document_and_covers_every_endpoint()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        var served = await http.GetStringAsync("openapi.yaml");
        var checkedIn = await File.ReadAllTextAsync(Path.Combine(RepoPaths.Root, "docs", "openapi.yaml"));
        Assert.That(Normalize(served), Is.EqualTo(Normalize(checkedIn)),
            "docs/openapi.yaml is stale: regenerate it with `curl http://127.0.0.1:5080/openapi.yaml > docs/openapi.yaml` against a running server");
        foreach (var path in new[] { "/send", "/status/{message_id}", "/balance", "/calculate", "/health", "/cancel/{message_id}", "/pause/{message_id}", "/resume/{message_id}" })
        {
            Assert.That(served, Does.Contain("/api/v1/lisoloo/sms-api" + path));
        }

        Assert.That(served, Does.StartWith("openapi: '3.1"));
        var json = await http.GetStringAsync("openapi.json");
        Assert.That(json, Does.Contain("\"operationId\": \"send\""));
        var explorer = await http.GetAsync("docs/index.html");
        Assert.That((int)explorer.StatusCode, Is.EqualTo(200));
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
}
