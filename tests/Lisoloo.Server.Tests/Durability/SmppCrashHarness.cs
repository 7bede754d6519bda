using System.Globalization;
using System.Text.Json;
using Lisoloo.Server.Tests.Cli;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport.Smsc;

namespace Lisoloo.Server.Tests.Durability;

/// <summary>
/// What the SMPP crash tests (one node on SQLite, three nodes on PostgreSQL) share: the server's settings for a session
/// to the Node SMSC, the live key whose webhooks go to a real listener, and the delivered webhooks that listener saw.
/// </summary>
internal static class SmppCrashHarness
{
    public const decimal OpeningBalance = 100m;
    public const decimal UnitPrice = 0.01m;
    public const long Micros = 1_000_000;

    public static readonly TimeSpan ProcessDeadline = TimeSpan.FromSeconds(60);

    /// <summary>A server bound to <paramref name="smsc"/> for +243 with <paramref name="window"/>, short polls and a 3 s lease, plus <paramref name="extra"/>.</summary>
    public static Dictionary<string, string> ServerEnvironment(NodeSmsc smsc, int window, IReadOnlyDictionary<string, string>? extra = null)
    {
        var env = new Dictionary<string, string>
        {
            ["Lisoloo__Bootstrap__CreateSandboxKey"] = "false",
            ["Lisoloo__Webhooks__AllowPrivateTargets"] = "true",
            ["Lisoloo__Workers__PollInterval"] = "00:00:00.050",

            // Rows claimed when a process died are claimable again when their lease ends: keep it short.
            ["Lisoloo__Workers__Lease"] = "00:00:03",
            ["Lisoloo__RateLimits__StatusPerMinute"] = "100000",
            ["Lisoloo__Smpp__Connections__0__Name"] = "node",
            ["Lisoloo__Smpp__Connections__0__Host"] = NodeSmsc.Host,
            ["Lisoloo__Smpp__Connections__0__Port"] = smsc.SmppPort.ToString(CultureInfo.InvariantCulture),
            ["Lisoloo__Smpp__Connections__0__SystemId"] = smsc.SystemId,
            ["Lisoloo__Smpp__Connections__0__Password"] = smsc.Password,
            ["Lisoloo__Smpp__Connections__0__Window"] = window.ToString(CultureInfo.InvariantCulture),
            ["Lisoloo__Smpp__Connections__0__Prefixes__0"] = "+243",
            ["Lisoloo__Smpp__Connections__0__ReconnectDelay"] = "00:00:00.100",
        };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>())
        {
            env[name] = value;
        }

        return env;
    }

    /// <summary>Creates a live key (webhooks to <paramref name="hooks"/>) with the CLI; returns its key and webhook secret.</summary>
    public static async Task<(string ApiKey, string Secret)> CreateLiveKeyAsync(string dataDirectory, IReadOnlyDictionary<string, string>? environment,
        WebhookReceiver hooks, string merchant)
    {
        var env = new Dictionary<string, string>(environment ?? new Dictionary<string, string>()) { ["Lisoloo__Webhooks__AllowPrivateTargets"] = "true" };
        var result = await ServerProcess.RunAsync(dataDirectory, env,
            ProcessDeadline, "keys", "create", "--merchant", merchant, "--env", "live",
            "--balance", OpeningBalance.ToString(CultureInfo.InvariantCulture), "--unit-price", UnitPrice.ToString(CultureInfo.InvariantCulture),
            "--send-per-minute", "100000", "--webhook-url", hooks.Url("crash").AbsoluteUri, "--webhook-events", "sms.delivered,sms.failed");
        Assert.That(result.ExitCode, Is.Zero, result.ToString());
        using var doc = JsonDocument.Parse(result.StdOut);
        return (doc.RootElement.GetProperty("api_key").GetString()!, doc.RootElement.GetProperty("webhook_secret").GetString()!);
    }

    /// <summary>Every <c>sms.delivered</c> webhook <paramref name="hooks"/> received: its recipient and event id.</summary>
    public static List<(string To, string EventId)> DeliveredWebhooks(WebhookReceiver hooks) =>
    [
        .. hooks.Received.Select(h =>
        {
            using var doc = JsonDocument.Parse(h.Body);
            var root = doc.RootElement;
            return (Type: root.GetProperty("type").GetString(), To: root.GetProperty("data").GetProperty("to").GetString()!, h.EventId);
        }).Where(e => e.Type == "sms.delivered").Select(e => (e.To, e.EventId)),
    ];

    /// <summary>Asserts every recipient got a delivered webhook, repeats keep their event id; returns how many recipients got more than one.</summary>
    public static int AssertOneDeliveredWebhookPerRecipient(WebhookReceiver hooks, int total)
    {
        var delivered = DeliveredWebhooks(hooks);
        var repeated = delivered.GroupBy(h => h.To).Where(g => g.Count() > 1).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(delivered.Select(h => h.To).Distinct().Count(), Is.EqualTo(total), "a delivered webhook for every recipient");
            foreach (var g in repeated)
            {
                Assert.That(g.Select(h => h.EventId).Distinct().Count(), Is.EqualTo(1), $"repeats for {g.Key} keep their event id");
            }
        });
        return repeated.Count;
    }
}
