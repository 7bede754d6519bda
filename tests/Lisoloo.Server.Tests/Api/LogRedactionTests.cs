using Lisoloo.Sdk;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lisoloo.Server.Tests.Api;

/// <summary>Secrets never reach the logs, even at Trace level and on failures.</summary>
[TestFixture]
public sealed class LogRedactionTests
{
    [Test]
    public async Task No_key_secret_or_webhook_password_appears_in_any_log_line()
    {
        var capture = new CapturingLoggerProvider();
        await using var receiver = await WebhookReceiver.StartAsync();
        receiver.Respond = (_, before) => before == 0 ? 500 : 200; // one failed attempt, so the retry path logs too
        await using var server = await TestServer.StartAsync(
            new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace" },
            services => services.AddSingleton<ILoggerProvider>(capture));
        var key = await server.CreateKeyAsync(merchant: "quiet", webhookUrl: receiver.Url("h").AbsoluteUri, webhookUser: "u", webhookPassword: "pa55word-secret");
        using var client = server.Client(key.ApiKey);

        var sent = await client.SendAsync(new SendRequest(["+14155550100", "+99900000004"], "Top secret body 7731"));
        await Wait.UntilAsync(() => receiver.Received.Count(r => r.AnsweredStatus == 200) >= 4, TimeSpan.FromSeconds(20), "webhooks delivered after a retry");
        Assert.ThrowsAsync<LisolooApiException>(() => server.Client(key.ApiKey[..^4] + "zzzz").GetBalanceAsync());
        await server.SendRawAsync(HttpMethod.Post, "send", key.ApiKey, "{not json");

        var lines = capture.Lines.ToArray();
        Assert.That(lines, Is.Not.Empty, "the capture works");
        Assert.Multiple(() =>
        {
            foreach (var secret in new[] { key.ApiKey, key.ApiKey[8..], key.WebhookSecret, key.WebhookSecret[6..], "pa55word-secret", "Top secret body 7731" })
            {
                Assert.That(lines.Where(l => l.Contains(secret, StringComparison.Ordinal)), Is.Empty, $"a log line holds '{secret[..6]}…'");
            }
        });
        Assert.That(sent.Value.MessageId, Is.Not.Empty);
    }
}
