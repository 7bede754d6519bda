using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Lisoloo.Server.Storage;

/// <summary>
/// Identifiers that sort by creation time: the first 6 bytes are the unix time in milliseconds (big-endian), the rest
/// is random from the OS CSPRNG. Rows keyed by them are inserted at the right edge of their unique index, so a group
/// commit dirties one or two index pages instead of one random page per row (message ids, event ids and sandbox carrier
/// references are all unique-indexed). The random part keeps them unguessable within a millisecond; the time part is
/// not a secret (the API returns creation times anyway).
/// </summary>
internal static class TimeOrderedId
{
    private const int BlockSize = 4096;

    // CSPRNG bytes are drawn a block at a time per thread: one RandomNumberGenerator call (an OpenSSL RAND_bytes, with
    // its fork check, a getpid system call) per ~680 ids instead of one per id. Each thread has its own block, so nothing
    // is shared or locked; a byte is handed out once and wiped as it is taken.
    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_taken;

    /// <summary><paramref name="prefix"/> followed by <paramref name="bytes"/> bytes (8–16) as lowercase hex, stamped with <paramref name="unixMs"/>.</summary>
    public static string New(long unixMs, int bytes, string prefix = "")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytes, 8);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, 16);
        Span<byte> id = stackalloc byte[16];
        id = id[..bytes];
        Span<byte> ms = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(ms, unixMs);
        ms[2..].CopyTo(id);
        TakeRandom(id[6..]);
#if NET9_0_OR_GREATER
        return prefix + Convert.ToHexStringLower(id);
#else
        return prefix + Convert.ToHexString(id).ToLowerInvariant(); // Lisoloo.Sdk.Testing compiles this file for net8.0 too
#endif
    }

    private static void TakeRandom(Span<byte> destination)
    {
        var block = t_block;
        if (block is null || t_taken + destination.Length > BlockSize)
        {
            block = t_block ??= new byte[BlockSize];
            RandomNumberGenerator.Fill(block);
            t_taken = 0;
        }

        var taken = block.AsSpan(t_taken, destination.Length);
        taken.CopyTo(destination);
        taken.Clear();
        t_taken += destination.Length;
    }
}
