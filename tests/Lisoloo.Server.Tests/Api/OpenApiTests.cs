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

    [Test]
    public async Task The_checked_in_document_lints_clean_with_Redocly()
    {
        // Redocly CLI, pinned in tests/peers (eng/test.sh installs it), with the recommended rules (docs/redocly.yaml).
        var cli = Path.Combine(RepoPaths.Root, "tests", "peers", "node_modules", "@redocly", "cli", "bin", "cli.js");
        Assert.That(File.Exists(cli), Is.True, $"{cli} is missing: run eng/test.sh, which installs the npm test peers (or `npm ci` in tests/peers)");
        var info = new System.Diagnostics.ProcessStartInfo("node")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepoPaths.Root,
            ArgumentList = { cli, "lint", "docs/openapi.yaml", "--config", "docs/redocly.yaml", "--format", "summary" },
        };
        info.Environment["REDOCLY_TELEMETRY"] = "off";
        info.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        using var process = System.Diagnostics.Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        var output = await stdout + await stderr;
        Assert.Multiple(() =>
        {
            Assert.That(process.ExitCode, Is.Zero, output);
            Assert.That(output, Does.Contain("Your API description is valid"), output);
            Assert.That(output, Does.Not.Match(@"(?m)^(error|warning)\s"), output);
        });
    }

    [Test]
    public async Task The_document_asks_for_the_key_everywhere_but_health_and_takes_to_as_a_string_and_instant()
    {
        await using var server = await TestServer.StartAsync();
        using var http = new HttpClient { BaseAddress = server.BaseUrl };
        using var doc = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("openapi.json"));
        var root = doc.RootElement;
        var paths = root.GetProperty("paths");
        var health = paths.GetProperty("/api/v1/lisoloo/sms-api/health").GetProperty("get");
        var send = paths.GetProperty("/api/v1/lisoloo/sms-api/send").GetProperty("post")
            .GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        var body = send.TryGetProperty("$ref", out var reference)
            ? root.GetProperty("components").GetProperty("schemas").GetProperty(reference.GetString()!.Split('/')[^1])
            : send;
        Assert.Multiple(() =>
        {
            Assert.That(root.GetProperty("security")[0].TryGetProperty("app-key", out _), Is.True, "the key is required by default");
            Assert.That(health.GetProperty("security").GetArrayLength(), Is.Zero, "/health lifts it");
            Assert.That(root.GetProperty("servers").GetArrayLength(), Is.GreaterThan(0));
            Assert.That(body.GetProperty("properties").GetProperty("to").GetProperty("oneOf").GetArrayLength(), Is.EqualTo(2), "to: an array or one string");
            Assert.That(body.GetProperty("properties").GetProperty("sending_type").ToString(), Does.Contain("instant"));
        });
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimEnd();
}
