using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Lisoloo.Server.Storage;

/// <summary>
/// The keys recently seen on <c>POST /send</c>, by the SHA-256 of the key, so the hot path does not read the key row
/// (a read transaction, and page reads after every commit) on each request. It is only a cache of the lookup:
/// revocation is still decided by the store at once, because the accept writer checks the key row inside the same
/// transaction that would debit it (see <c>AcceptWriter</c>) and evicts a revoked key from here. Other attributes
/// (limits, sender, price) are fixed when a key is created; entries are still refreshed after <see cref="Ttl"/>.
/// Unknown keys are never cached, so guessing cannot fill it; it is bounded and starts over when full.
/// </summary>
internal sealed class KeyCache(TimeProvider time)
{
    /// <summary>How long an entry answers before the key row is read again.</summary>
    public static readonly TimeSpan Ttl = TimeSpan.FromSeconds(5);

    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<Digest, Entry> _entries = new();

    /// <summary>The cached key for <paramref name="keyHash"/>, else <paramref name="load"/>'s answer (cached when found).</summary>
    public ValueTask<ApiKeyInfo?> FindAsync(byte[] keyHash, Func<byte[], CancellationToken, ValueTask<ApiKeyInfo?>> load, CancellationToken cancellationToken = default)
    {
        var digest = new Digest(keyHash);
        if (_entries.TryGetValue(digest, out var entry) && time.GetElapsedTime(entry.LoadedAt) < Ttl
            && CryptographicOperations.FixedTimeEquals(entry.Hash, keyHash))
        {
            return new(entry.Key);
        }

        var loading = load(keyHash, cancellationToken);
        return loading.IsCompletedSuccessfully ? new(Remember(digest, keyHash, loading.Result)) : LoadAsync(digest, keyHash, loading);
    }

    private async ValueTask<ApiKeyInfo?> LoadAsync(Digest digest, byte[] keyHash, ValueTask<ApiKeyInfo?> loading)
        => Remember(digest, keyHash, await loading.ConfigureAwait(false));

    private ApiKeyInfo? Remember(Digest digest, byte[] keyHash, ApiKeyInfo? key)
    {
        if (key is null)
        {
            _entries.TryRemove(digest, out _);
            return null;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[digest] = new Entry(key, keyHash, time.GetTimestamp());
        return key;
    }

    /// <summary>Forgets a key (it was found revoked).</summary>
    public void Evict(long keyId)
    {
        foreach (var (digest, entry) in _entries)
        {
            if (entry.Key.KeyId == keyId)
            {
                _entries.TryRemove(digest, out _);
            }
        }
    }

    private sealed record Entry(ApiKeyInfo Key, byte[] Hash, long LoadedAt);

    /// <summary>A SHA-256 digest as a dictionary key.</summary>
    private readonly record struct Digest(ulong A, ulong B, ulong C, ulong D)
    {
        public Digest(ReadOnlySpan<byte> hash)
            : this(BinaryPrimitives.ReadUInt64LittleEndian(hash), BinaryPrimitives.ReadUInt64LittleEndian(hash[8..]),
                BinaryPrimitives.ReadUInt64LittleEndian(hash[16..]), BinaryPrimitives.ReadUInt64LittleEndian(hash[24..]))
        {
        }
    }
}
