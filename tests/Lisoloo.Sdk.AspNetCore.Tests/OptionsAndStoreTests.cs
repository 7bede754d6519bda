using Lisoloo.Sdk.AspNetCore.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Sdk.AspNetCore.Tests;

public sealed class OptionsAndStoreTests
{
    [Test]
    public void AddLisolooWebhooks_FromConfiguration_BindsEveryOption()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["LisolooWebhooks:Secrets:0"] = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
            ["LisolooWebhooks:Secrets:1"] = "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
            ["LisolooWebhooks:Tolerance"] = "00:02:00",
            ["LisolooWebhooks:BasicUsername"] = "hooks",
            ["LisolooWebhooks:BasicPassword"] = "pw",
            ["LisolooWebhooks:DeduplicationWindow"] = "02:00:00",
            ["LisolooWebhooks:MaxDeduplicationEntries"] = "500",
            ["LisolooWebhooks:MaxBodySize"] = "2048",
        }).Build();
        using var provider = new ServiceCollection().AddLisolooWebhooks(configuration.GetSection("LisolooWebhooks")).BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<LisolooWebhookOptions>>().Value;

        Assert.Multiple(() =>
        {
            Assert.That(options.Secrets, Has.Count.EqualTo(2));
            Assert.That(options.Tolerance, Is.EqualTo(TimeSpan.FromMinutes(2)));
            Assert.That(options.BasicUsername, Is.EqualTo("hooks"));
            Assert.That(options.BasicPassword, Is.EqualTo("pw"));
            Assert.That(options.DeduplicationWindow, Is.EqualTo(TimeSpan.FromHours(2)));
            Assert.That(options.MaxDeduplicationEntries, Is.EqualTo(500));
            Assert.That(options.MaxBodySize, Is.EqualTo(2048));
        });
    }

    [Test]
    public void AddLisolooWebhooks_MalformedSecret_ValidationNamesIndexNotValue()
    {
        using var provider = new ServiceCollection()
            .AddLisolooWebhooks(o => o.Secrets.Add("sk_live_leaked"))
            .BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => _ = provider.GetRequiredService<IOptions<LisolooWebhookOptions>>().Value);
        Assert.That(ex!.Message, Does.Contain("Secrets[0]"));
        Assert.That(ex.Message, Does.Not.Contain("sk_live_leaked"));
    }

    private static (WebhookDeduplicationStore Store, FakeTimeProvider Time) CreateStore(int capacity, TimeSpan window)
    {
        var time = new FakeTimeProvider();
        var options = new LisolooWebhookOptions { MaxDeduplicationEntries = capacity, DeduplicationWindow = window };
        var monitor = new StaticMonitor(options);
        return (new WebhookDeduplicationStore(time, monitor), time);
    }

    [Test]
    public async Task TryClaimAsync_BeyondCapacity_ForgetsOldestFirst()
    {
        var (store, _) = CreateStore(capacity: 2, window: TimeSpan.FromHours(1));
        foreach (var id in new[] { "a", "b", "c" })
        {
            store.Complete((await store.TryClaimAsync(id, CancellationToken.None))!);
        }

        Assert.That(store.ProcessedCount, Is.EqualTo(2));
        Assert.That(await store.TryClaimAsync("b", CancellationToken.None), Is.Null);
        Assert.That(await store.TryClaimAsync("c", CancellationToken.None), Is.Null);
        Assert.That(await store.TryClaimAsync("a", CancellationToken.None), Is.Not.Null, "the oldest id was evicted");
    }

    [Test]
    public async Task TryClaimAsync_AfterWindow_ClaimsAgain()
    {
        var (store, time) = CreateStore(capacity: 10, window: TimeSpan.FromMinutes(5));
        store.Complete((await store.TryClaimAsync("a", CancellationToken.None))!);

        time.Advance(TimeSpan.FromMinutes(4));
        Assert.That(await store.TryClaimAsync("a", CancellationToken.None), Is.Null);
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.That(await store.TryClaimAsync("a", CancellationToken.None), Is.Not.Null);
        Assert.That(store.ProcessedCount, Is.Zero);
    }

    [Test]
    public async Task TryClaimAsync_AfterAbandon_ClaimsAgain()
    {
        var (store, _) = CreateStore(capacity: 10, window: TimeSpan.FromHours(1));
        store.Abandon((await store.TryClaimAsync("a", CancellationToken.None))!);

        Assert.That(await store.TryClaimAsync("a", CancellationToken.None), Is.Not.Null);
    }

    [Test]
    public async Task TryClaimAsync_WaitingAndCancelled_ThrowsAndStopsWaiting()
    {
        var (store, _) = CreateStore(capacity: 10, window: TimeSpan.FromHours(1));
        _ = await store.TryClaimAsync("a", CancellationToken.None);
        using var cts = new CancellationTokenSource();

        var waiting = store.TryClaimAsync("a", cts.Token);
        await cts.CancelAsync();

        Assert.That(async () => await waiting, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(store.WaitingCount, Is.Zero);
    }

    private sealed class StaticMonitor(LisolooWebhookOptions value) : IOptionsMonitor<LisolooWebhookOptions>
    {
        public LisolooWebhookOptions CurrentValue => value;

        public LisolooWebhookOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<LisolooWebhookOptions, string?> listener) => null;
    }
}
