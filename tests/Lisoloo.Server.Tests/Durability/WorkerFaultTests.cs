using Lisoloo.Sdk;
using Lisoloo.Server.Api;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Tests.Infrastructure;
using Lisoloo.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Lisoloo.Server.Tests.Durability;

/// <summary>
/// Every background loop survives store errors: a store call of each worker throws three times, as a store that is
/// down or out of disk would, and the host keeps running while the worker tries again and finishes the work (a message
/// delivered and its webhooks sent, or the housekeeping done).
/// </summary>
public sealed class WorkerFaultTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    // The scheduler's own step: scheduled dates have minute resolution, so its failures are injected into the read
    // every step starts with, and the test checks that it goes on calling (and the rest of the pipeline delivers).
    [TestCase("scheduler", "NextScheduledAtAsync")]
    [TestCase("dispatcher", "ClaimDeliveriesAsync")]
    [TestCase("receipts", "ApplyDueAnnouncedReceiptsAsync")]
    public async Task A_delivery_worker_whose_store_fails_goes_on_and_delivers(string worker, string method)
    {
        FaultInjector<IDeliveryStore> injector = null!;
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(services: s => Replace<IDeliveryStore>(s, inner =>
        {
            var (proxy, faults) = FaultInjector<IDeliveryStore>.Wrap(inner, 3, method);
            injector = faults;
            return proxy;
        }));
        var key = await server.CreateKeyAsync(merchant: "faults-" + worker, webhookUrl: receiver.Url("hooks").AbsoluteUri);
        using var client = server.Client(key.ApiKey);

        var sent = await client.SendAsync(["+14155550100"], "Through a store outage");
        await Wait.UntilAsync(() => injector.Calls > 3, Deadline, $"the {worker} called its store again after the failures");
        await Wait.UntilAsync(async () => (await client.GetStatusAsync(sent.Value.MessageId)).Value.Status == SmsStatus.Delivered, Deadline, "delivered");
        await Wait.UntilAsync(() => receiver.Received.Any(r => r.Path == "/hooks" && r.Body.Length > 0
            && WebhookParserHelper.Is(r.Body, sent.Value.MessageId, "sms.delivered")), Deadline, "the delivered webhook");

        Assert.Multiple(() =>
        {
            Assert.That(injector.Thrown, Is.EqualTo(3), "the store failed three times");
            Assert.That(injector.Calls, Is.GreaterThan(3), "and the worker called again");
            Assert.That(server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, Is.False, "the host kept running");
        });
    }

    [Test]
    public async Task The_webhook_worker_whose_store_fails_goes_on_and_delivers()
    {
        FaultInjector<IEventStore> injector = null!;
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var server = await TestServer.StartAsync(services: s => Replace<IEventStore>(s, inner =>
        {
            var (proxy, faults) = FaultInjector<IEventStore>.Wrap(inner, 3, "ClaimEventsAsync");
            injector = faults;
            return proxy;
        }));
        var key = await server.CreateKeyAsync(merchant: "faults-webhooks", webhookUrl: receiver.Url("hooks").AbsoluteUri);
        using var client = server.Client(key.ApiKey);

        var sent = await client.SendAsync(["+14155550100"], "Webhooks through a store outage");
        await Wait.UntilAsync(() => receiver.Received.Any(r => WebhookParserHelper.Is(r.Body, sent.Value.MessageId, "sms.delivered")), Deadline, "the delivered webhook");

        Assert.Multiple(() =>
        {
            Assert.That(injector.Thrown, Is.EqualTo(3));
            Assert.That(server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, Is.False);
        });
    }

    [Test]
    public async Task Housekeeping_whose_store_fails_goes_on_and_the_host_keeps_running()
    {
        // Before: the housekeeping loop caught only cancellation, so one store error ended it and stopped the host.
        FaultInjector<IRateLimiter> injector = null!;
        await using var server = await TestServer.StartAsync(services: s => Replace<IRateLimiter>(s, inner =>
        {
            var (proxy, faults) = FaultInjector<IRateLimiter>.Wrap(inner, 3, "TrimAsync");
            injector = faults;
            return proxy;
        }));

        await Wait.UntilAsync(() => injector.Calls > 3, Deadline, "housekeeping tried again after three failures");
        var key = await server.CreateKeyAsync(merchant: "faults-housekeeping");
        using var client = server.Client(key.ApiKey);
        var balance = await client.GetBalanceAsync();

        Assert.Multiple(() =>
        {
            Assert.That(injector.Thrown, Is.EqualTo(3));
            Assert.That(server.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested, Is.False, "the host kept running");
            Assert.That(balance.Status, Is.EqualTo(200), "and it still answers");
        });
    }

    /// <summary>Registers <typeparamref name="T"/> again, wrapping what the server registered (the last registration wins).</summary>
    private static void Replace<T>(IServiceCollection services, Func<T, T> wrap)
        where T : class
    {
        var original = services.Last(d => d.ServiceType == typeof(T));
        services.AddSingleton(sp => wrap((T)(original.ImplementationFactory?.Invoke(sp) ?? original.ImplementationInstance
            ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))));
    }
}

/// <summary>Reads just enough of a webhook body to tell which message and event it is.</summary>
internal static class WebhookParserHelper
{
    public static bool Is(byte[] body, string messageId, string type)
    {
        try
        {
            var evt = Lisoloo.Sdk.Webhooks.WebhookParser.Parse(body);
            return evt.Data.MessageId == messageId && evt.Type.Value == type;
        }
        catch (Lisoloo.Sdk.Webhooks.WebhookFormatException)
        {
            return false;
        }
    }
}
