using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Lisoloo.Sdk;
using Lisoloo.Server.Diagnostics;
using Lisoloo.Server.Hosting;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;

namespace Lisoloo.Server.Tests.Api;

/// <summary>The <c>Lisoloo.Server</c> meter reports what happened.</summary>
[TestFixture]
public sealed class MetricsTests
{
    [Test]
    public async Task Accepted_and_submitted_counters_follow_a_send()
    {
        var totals = new ConcurrentDictionary<string, long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ServerMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            var result = string.Empty;
            foreach (var tag in tags)
            {
                if (tag.Key == "result")
                {
                    result = ":" + tag.Value;
                }
            }

            totals.AddOrUpdate(instrument.Name + result, value, (_, v) => v + value);
        });
        listener.Start();

        await using var server = await TestServer.StartAsync();
        var key = await server.CreateKeyAsync(merchant: "metrics");
        using var client = server.Client(key.ApiKey);
        await client.SendAsync(new SendRequest(["+14155550100", "+14155550101", "+99900000004"], "count me"));

        await Wait.UntilAsync(() => totals.GetValueOrDefault("lisoloo.sms.submitted:sent") >= 2 && totals.GetValueOrDefault("lisoloo.sms.submitted:failed") >= 1,
            TimeSpan.FromSeconds(20), "the submissions are counted");
        Assert.That(totals.GetValueOrDefault("lisoloo.sms.accepted"), Is.EqualTo(3));
    }
}
