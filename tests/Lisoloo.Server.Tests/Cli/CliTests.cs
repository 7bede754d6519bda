using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Server.Tests.Infrastructure;

namespace Lisoloo.Server.Tests.Cli;

/// <summary>The operator commands of the built server executable, run as real processes over a temp data folder.</summary>
[TestFixture]
public sealed class CliTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    private string _root = null!;

    private string DataDirectory => Path.Combine(_root, "data");

    [SetUp]
    public void CreateFolder()
    {
        _root = Path.Combine(Path.GetTempPath(), "lisoloo-cli-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
    }

    [TearDown]
    public void DeleteFolder()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [Test]
    public async Task Keys_create_prints_the_key_and_its_webhook_secret_once_and_the_store_keeps_neither_in_clear()
    {
        var created = await RunOkAsync("keys", "create", "--merchant", "m", "--env", "test", "--balance", "5", "--unit-price", "0.01",
            "--webhook-url", "http://127.0.0.1:9/hook", "--webhook-events", "sms.delivered,sms.failed");

        var apiKey = created.GetProperty("api_key").GetString()!;
        var secret = created.GetProperty("webhook_secret").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(apiKey, Does.Match("^sk_test_[0-9A-Za-z]{16,128}$"));
            Assert.That(created.GetProperty("key_id").GetInt64(), Is.Positive);
            Assert.That(created.GetProperty("merchant").GetString(), Is.EqualTo("m"));
            Assert.That(created.GetProperty("environment").GetString(), Is.EqualTo("test"));
            Assert.That(secret, Does.StartWith("whsec_"));
            Assert.That(Convert.FromBase64String(secret["whsec_".Length..]), Has.Length.AtLeast(24), "a Standard Webhooks secret: base64 after whsec_");
        });

        // Neither secret is in the SQLite files (database and any WAL): only the key's hash and the encrypted secret.
        var files = Directory.GetFiles(DataDirectory, "lisoloo.db*");
        Assert.That(files, Is.Not.Empty);
        var all = (await Task.WhenAll(files.Select(f => File.ReadAllBytesAsync(f)))).SelectMany(b => b).ToArray();
        Assert.Multiple(() =>
        {
            // Positive controls: the search sees what is stored, so the misses below mean something.
            Assert.That(Contains(all, "http://127.0.0.1:9/hook"), Is.True, "the webhook URL is stored in clear");
            Assert.That(Contains(all, SHA256.HashData(Encoding.UTF8.GetBytes(apiKey))), Is.True, "the key's SHA-256 is stored");
        });
        foreach (var file in files)
        {
            var bytes = await File.ReadAllBytesAsync(file);
            Assert.Multiple(() =>
            {
                Assert.That(Contains(bytes, apiKey), Is.False, $"{Path.GetFileName(file)} holds the cleartext API key");
                Assert.That(Contains(bytes, apiKey["sk_test_".Length..]), Is.False, $"{Path.GetFileName(file)} holds the key's random part");
                Assert.That(Contains(bytes, secret), Is.False, $"{Path.GetFileName(file)} holds the cleartext webhook secret");
                Assert.That(Contains(bytes, secret["whsec_".Length..]), Is.False, $"{Path.GetFileName(file)} holds the webhook secret's base64");
                Assert.That(Contains(bytes, Convert.FromBase64String(secret["whsec_".Length..])), Is.False, $"{Path.GetFileName(file)} holds the webhook secret's bytes");
            });
        }
    }

    [Test]
    public async Task Keys_list_shows_the_prefix_and_never_a_secret_or_a_hash()
    {
        var created = await RunOkAsync("keys", "create", "--merchant", "m", "--env", "test", "--balance", "5", "--unit-price", "0.01",
            "--webhook-url", "http://127.0.0.1:9/hook", "--webhook-events", "sms.delivered,sms.failed");
        var apiKey = created.GetProperty("api_key").GetString()!;
        var secret = created.GetProperty("webhook_secret").GetString()!;
        var keyId = created.GetProperty("key_id").GetInt64();

        var result = await RunAsync("keys", "list");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        var text = result.StdOut;
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(apiKey));
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.Not.Contain(apiKey));
            Assert.That(text, Does.Not.Contain(apiKey["sk_test_".Length..]));
            Assert.That(text, Does.Not.Contain(secret["whsec_".Length..]).And.Not.Contain(JsonEncodedText.Encode(secret["whsec_".Length..]).ToString()));
            Assert.That(text, Does.Not.Contain("api_key").And.Not.Contain("webhook_secret").And.Not.Contain("hash").And.Not.Contain("password"));
            Assert.That(text, Does.Not.Contain(Convert.ToHexStringLower(hash)).IgnoreCase);
            Assert.That(text, Does.Not.Contain(Convert.ToBase64String(hash)).And.Not.Contain(JsonEncodedText.Encode(Convert.ToBase64String(hash)).ToString()));
        });

        using var doc = JsonDocument.Parse(text);
        var keys = doc.RootElement.GetProperty("keys").EnumerateArray().ToList();
        Assert.That(keys, Has.Count.EqualTo(1));
        var listed = keys[0];
        var prefix = listed.GetProperty("prefix").GetString()!;
        Assert.Multiple(() =>
        {
            Assert.That(listed.GetProperty("key_id").GetInt64(), Is.EqualTo(keyId));
            Assert.That(listed.GetProperty("merchant").GetString(), Is.EqualTo("m"));
            Assert.That(listed.GetProperty("environment").GetString(), Is.EqualTo("test"));
            Assert.That(prefix, Is.EqualTo(created.GetProperty("prefix").GetString()));
            Assert.That(prefix, Does.StartWith("sk_test_"));
            Assert.That(apiKey, Does.StartWith(prefix.TrimEnd('…')), "the prefix is the start of the key");
            Assert.That(prefix.TrimEnd('…').Length, Is.LessThan(apiKey.Length / 2), "the prefix is not most of the key");
            Assert.That(listed.GetProperty("revoked_at").ValueKind, Is.EqualTo(JsonValueKind.Null));
            Assert.That(listed.GetProperty("webhook_url").GetString(), Is.EqualTo("http://127.0.0.1:9/hook"));
            Assert.That(listed.GetProperty("webhook_events").GetString(), Is.EqualTo("sms.delivered,sms.failed"));
            Assert.That(listed.EnumerateObject().Select(p => p.Name), Is.SubsetOf(new[]
            {
                "key_id", "merchant", "environment", "prefix", "created_at", "revoked_at", "webhook_url", "webhook_events", "webhook_disabled_at",
            }), "only these fields: nothing secret can slip in unnoticed");
        });
    }

    [Test]
    public async Task Balance_show_and_topup_are_exact_decimals()
    {
        await RunOkAsync("keys", "create", "--merchant", "m", "--env", "test", "--balance", "5", "--unit-price", "0.01");

        var shown = await RunOkAsync("balance", "show", "--merchant", "m", "--env", "test");
        Assert.Multiple(() =>
        {
            Assert.That(shown.GetProperty("merchant").GetString(), Is.EqualTo("m"));
            Assert.That(shown.GetProperty("environment").GetString(), Is.EqualTo("test"));
            Assert.That(shown.GetProperty("balance").GetDecimal(), Is.EqualTo(5m));
            Assert.That(shown.GetProperty("reserved").GetDecimal(), Is.EqualTo(0m));
            Assert.That(shown.GetProperty("unit_price").GetDecimal(), Is.EqualTo(0.01m));
            Assert.That(shown.GetProperty("currency").GetString(), Is.EqualTo("USD"));
        });

        var topped = await RunOkAsync("balance", "topup", "--merchant", "m", "--env", "test", "--amount", "2.5");
        Assert.That(topped.GetProperty("balance").GetDecimal(), Is.EqualTo(7.5m));
        Assert.That(topped.GetProperty("balance").GetRawText(), Is.EqualTo("7.5"), "printed exactly, not as a binary float");

        // Amounts a double cannot hold exactly add up exactly: 0.1 + 0.2 + 0.000001.
        await RunOkAsync("balance", "topup", "--merchant", "m", "--env", "test", "--amount", "0.1");
        await RunOkAsync("balance", "topup", "--merchant", "m", "--env", "test", "--amount", "0.2");
        var last = await RunOkAsync("balance", "topup", "--merchant", "m", "--env", "test", "--amount", "0.000001");
        Assert.That(last.GetProperty("balance").GetDecimal(), Is.EqualTo(7.800001m));
        Assert.That(last.GetProperty("balance").GetRawText(), Is.EqualTo("7.800001"));

        var again = await RunOkAsync("balance", "show", "--merchant", "m", "--env", "test");
        Assert.That(again.GetProperty("balance").GetDecimal(), Is.EqualTo(7.800001m), "the top-ups are stored, not only printed");
    }

    [Test]
    public async Task Rotate_webhook_secret_prints_a_new_secret_once_and_refuses_unknown_keys()
    {
        var created = await RunOkAsync("keys", "create", "--merchant", "m", "--env", "test");
        var keyId = created.GetProperty("key_id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var rotated = await RunOkAsync("keys", "rotate-webhook-secret", "--key-id", keyId, "--overlap-hours", "2");
        var secret = rotated.GetProperty("webhook_secret").GetString();
        Assert.Multiple(() =>
        {
            Assert.That(secret, Does.StartWith("whsec_"));
            Assert.That(secret, Is.Not.EqualTo(created.GetProperty("webhook_secret").GetString()));
            Assert.That(rotated.GetProperty("previous_secret_valid_until").GetString(), Does.EndWith("Z"));
        });
        var list = await RunOkAsync("keys", "list");
        Assert.That(list.GetRawText(), Does.Not.Contain(secret!), "keys list never shows a secret");

        var unknown = await RunAsync("keys", "rotate-webhook-secret", "--key-id", "999999");
        Assert.That(unknown.ExitCode, Is.EqualTo(1), unknown.ToString());
        Assert.That(unknown.StdErr, Does.Contain("\"error\""));
    }

    [Test]
    public async Task A_revoked_key_is_refused_by_a_server_on_the_same_data_directory()
    {
        var revokedKey = await RunOkAsync("keys", "create", "--merchant", "m", "--env", "test", "--balance", "5", "--unit-price", "0.01");
        var keptKey = await RunOkAsync("keys", "create", "--merchant", "m", "--env", "test");
        var keyId = revokedKey.GetProperty("key_id").GetInt64();

        var revoked = await RunOkAsync("keys", "revoke", "--key-id", keyId.ToString(CultureInfo.InvariantCulture));
        Assert.Multiple(() =>
        {
            Assert.That(revoked.GetProperty("key_id").GetInt64(), Is.EqualTo(keyId));
            Assert.That(revoked.GetProperty("revoked").GetBoolean(), Is.True);
        });

        var listed = await RunOkAsync("keys", "list");
        var rows = listed.GetProperty("keys").EnumerateArray().ToDictionary(k => k.GetProperty("key_id").GetInt64());
        Assert.Multiple(() =>
        {
            Assert.That(rows[keyId].GetProperty("revoked_at").GetString(), Is.Not.Null.And.Not.Empty);
            Assert.That(rows[keptKey.GetProperty("key_id").GetInt64()].GetProperty("revoked_at").ValueKind, Is.EqualTo(JsonValueKind.Null));
        });

        var again = await RunAsync("keys", "revoke", "--key-id", keyId.ToString(CultureInfo.InvariantCulture));
        AssertJsonError(again, exitCode: 1);

        await using var server = await TestServer.StartAsync(dataDirectory: DataDirectory);
        var refused = await server.SendRawAsync(HttpMethod.Get, "balance", revokedKey.GetProperty("api_key").GetString());
        var accepted = await server.SendRawAsync(HttpMethod.Get, "balance", keptKey.GetProperty("api_key").GetString());
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(401), refused.Body);
            Assert.That(refused.ErrorCode, Is.EqualTo(LisolooErrorCodes.InvalidApiKey), refused.Body);
            Assert.That(accepted.Status, Is.EqualTo(200), accepted.Body);
            Assert.That(accepted.Data.GetProperty("balance").GetDecimal(), Is.EqualTo(5m), "the CLI's account, balance and key are the server's");
            Assert.That(accepted.Data.GetProperty("unit_price").GetDecimal(), Is.EqualTo(0.01m));
        });
    }

    [Test]
    public async Task A_key_revoked_by_the_cli_while_the_server_runs_is_refused_on_its_next_send_and_nothing_is_debited()
    {
        var created = await RunOkAsync("keys", "create", "--merchant", "m", "--env", "test", "--balance", "5", "--unit-price", "0.01");
        var apiKey = created.GetProperty("api_key").GetString();
        var keyId = created.GetProperty("key_id").GetInt64();
        await using var server = await TestServer.StartAsync(dataDirectory: DataDirectory);
        const string body = """{"to":["+14155550100"],"message":"hello"}""";

        // Two sends: the second is answered from the key cache of the send path.
        for (var i = 0; i < 2; i++)
        {
            var sent = await server.SendRawAsync(HttpMethod.Post, "send", apiKey, body);
            Assert.That(sent.Status, Is.EqualTo(201), sent.Body);
        }

        // Another process (the CLI) revokes it; the running server must refuse it at once, even from its cache.
        await RunOkAsync("keys", "revoke", "--key-id", keyId.ToString(CultureInfo.InvariantCulture));
        var refused = await server.SendRawAsync(HttpMethod.Post, "send", apiKey, body);
        var again = await server.SendRawAsync(HttpMethod.Post, "send", apiKey, body);
        var balance = await RunOkAsync("balance", "show", "--merchant", "m", "--env", "test");
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(401), refused.Body);
            Assert.That(refused.ErrorCode, Is.EqualTo(LisolooErrorCodes.InvalidApiKey), refused.Body);
            Assert.That(again.Status, Is.EqualTo(401), again.Body);
            Assert.That(balance.GetProperty("balance").GetDecimal(), Is.EqualTo(4.98m), "only the two sends before the revocation were debited");
        });
    }

    public static IEnumerable<TestCaseData> BadInputs()
    {
        static TestCaseData Case(string name, params string[] args) => new TestCaseData((object)args).SetName("Bad_input_exits_1_with_a_JSON_error_on_stderr_" + name);
        yield return Case("env_prod", "keys", "create", "--merchant", "m", "--env", "prod");
        yield return Case("negative_balance", "keys", "create", "--merchant", "m", "--env", "test", "--balance", "-1");
        yield return Case("seven_decimals", "keys", "create", "--merchant", "m", "--env", "test", "--unit-price", "0.0000001");
        yield return Case("bad_currency", "keys", "create", "--merchant", "m", "--env", "test", "--currency", "dollars");
        yield return Case("webhook_url_ftp", "keys", "create", "--merchant", "m", "--env", "test", "--webhook-url", "ftp://x");
        yield return Case("unknown_event_type", "keys", "create", "--merchant", "m", "--env", "test", "--webhook-events", "sms.teleported");
        yield return Case("revoke_unknown_key", "keys", "revoke", "--key-id", "999");
        yield return Case("balance_of_unknown_account", "balance", "show", "--merchant", "nobody", "--env", "test");
        yield return Case("topup_zero", "balance", "topup", "--merchant", "nobody", "--env", "test", "--amount", "0");
        yield return Case("topup_unknown_account", "balance", "topup", "--merchant", "nobody", "--env", "test", "--amount", "1");
    }

    [TestCaseSource(nameof(BadInputs))]
    public async Task Bad_input_exits_1_with_a_JSON_error_on_stderr(string[] args)
    {
        var result = await RunAsync(args);
        AssertJsonError(result, exitCode: 1);
        Assert.That(Directory.GetFiles(DataDirectory, "lisoloo.db*").Length == 0 || await CountKeysAsync() == 0, Is.True, "nothing was created");
    }

    [TestCase("keys", "create", "--merchant", "m", "--env", "test", "--balance", "abc")]
    [TestCase("keys", "create", "--env", "test")]
    [TestCase("keys")]
    [TestCase("balance", "show", "--merchant")]
    public async Task A_command_line_that_does_not_parse_exits_2_with_one_JSON_line(params string[] args)
    {
        var result = await RunAsync(args);
        AssertJsonError(result, exitCode: 2);
    }

    [TestCase("Lisoloo__Store__Provider", "postgres", "Lisoloo:MasterKey", "keys", "list")]
    [TestCase("Lisoloo__Store__Provider", "postgres", "Lisoloo:MasterKey", "serve", "--urls", "http://127.0.0.1:0")]
    [TestCase("Lisoloo__Store__Provider", "mysql", "Lisoloo:Store:Provider", "balance", "show", "--merchant", "m", "--env", "test")]
    [TestCase("Lisoloo__Workers__BatchSize", "many", "Lisoloo:Workers:BatchSize", "serve", "--urls", "http://127.0.0.1:0")]
    public async Task A_setting_to_fix_exits_1_with_one_line_naming_it_and_no_stack_trace(string variable, string value, string named, params string[] args)
    {
        var result = await ServerProcess.RunAsync(DataDirectory, new Dictionary<string, string> { [variable] = value }, Deadline, args);

        AssertJsonError(result, exitCode: 1);
        Assert.Multiple(() =>
        {
            Assert.That(result.StdErr.TrimEnd().Split('\n'), Has.Length.EqualTo(1), result.ToString());
            Assert.That(result.StdErr, Does.Contain(named), result.ToString());
            Assert.That(result.StdErr, Does.Not.Contain("   at ").And.Not.Contain("Exception"), result.ToString());
        });
    }

    private static void AssertJsonError(ProcessResult result, int exitCode)
    {
        Assert.That(result.ExitCode, Is.EqualTo(exitCode), result.ToString());
        Assert.That(result.StdOut, Is.Empty, result.ToString());
        using var doc = JsonDocument.Parse(result.StdErr);
        Assert.That(doc.RootElement.GetProperty("error").GetString(), Is.Not.Empty, result.ToString());
    }

    private async Task<int> CountKeysAsync()
    {
        var listed = await RunOkAsync("keys", "list");
        return listed.GetProperty("keys").GetArrayLength();
    }

    private Task<ProcessResult> RunAsync(params string[] args) => ServerProcess.RunAsync(DataDirectory, Deadline, args);

    private async Task<JsonElement> RunOkAsync(params string[] args)
    {
        var result = await RunAsync(args);
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        Assert.That(result.StdErr, Is.Empty, result.ToString());
        using var doc = JsonDocument.Parse(result.StdOut);
        return doc.RootElement.Clone();
    }

    private static bool Contains(byte[] haystack, string needle) => Contains(haystack, Encoding.UTF8.GetBytes(needle));

    private static bool Contains(byte[] haystack, byte[] needle) => haystack.AsSpan().IndexOf(needle) >= 0;
}
