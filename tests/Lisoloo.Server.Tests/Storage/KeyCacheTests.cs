using Lisoloo.Server.Auth;
using Lisoloo.Server.Storage;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Server.Tests.Storage;

/// <summary>The send path's key cache: what it keeps, for how long, and what it never keeps.</summary>
[TestFixture]
public sealed class KeyCacheTests
{
    private static readonly ApiKeyInfo Key = new(7, 3, "m", "test", "sk_test_abcd…", "USD", 20_000, null, null, null, false, null, null, null, null);

    [Test]
    public async Task A_found_key_is_served_from_the_cache_until_its_ttl_then_read_again()
    {
        var clock = new FakeTimeProvider();
        var cache = new KeyCache(clock);
        var hash = KeyMaterial.Hash("sk_test_0123456789abcdefghij");
        var loads = 0;
        ValueTask<ApiKeyInfo?> Load(byte[] h, CancellationToken ct) { loads++; return new(Key); }

        Assert.That(await cache.FindAsync(hash, Load), Is.SameAs(Key));
        clock.Advance(KeyCache.Ttl - TimeSpan.FromMilliseconds(1));
        Assert.That(await cache.FindAsync(hash, Load), Is.SameAs(Key));
        Assert.That(loads, Is.EqualTo(1), "within the TTL the row is not read again");

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await cache.FindAsync(hash, Load);
        Assert.That(loads, Is.EqualTo(2), "after the TTL it is");
    }

    [Test]
    public async Task Unknown_keys_are_never_cached_and_an_evicted_key_is_read_again()
    {
        var cache = new KeyCache(new FakeTimeProvider());
        var unknown = KeyMaterial.Hash("sk_test_unknownunknownunknown");
        var known = KeyMaterial.Hash("sk_test_0123456789abcdefghij");
        var loads = 0;

        Assert.That(await cache.FindAsync(unknown, (_, _) => { loads++; return new((ApiKeyInfo?)null); }), Is.Null);
        Assert.That(await cache.FindAsync(unknown, (_, _) => { loads++; return new((ApiKeyInfo?)null); }), Is.Null);
        Assert.That(loads, Is.EqualTo(2), "a miss is looked up every time");

        await cache.FindAsync(known, (_, _) => new(Key));
        cache.Evict(Key.KeyId);
        Assert.That(await cache.FindAsync(known, (_, _) => new((ApiKeyInfo?)null)), Is.Null, "evicted (found revoked): the store decides again");
    }
}
