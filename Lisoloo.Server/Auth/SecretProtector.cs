using System.Security.Cryptography;
using System.Text;
using Lisoloo.Server.Configuration;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Auth;

/// <summary>
/// AES-256-GCM for secrets the server must use in clear (webhook signing secrets, webhook Basic passwords).
/// Layout: 12-byte nonce, 16-byte tag, ciphertext. The master key comes from <c>Lisoloo:MasterKey</c> or from
/// <c>master.key</c> in the data folder, generated with mode 0600 on first start.
/// </summary>
internal sealed class SecretProtector
{
    private readonly byte[] _key;

    public SecretProtector(byte[] key)
    {
        if (key.Length != 32)
        {
            throw new ArgumentException("The master key must be 32 bytes.", nameof(key));
        }

        _key = key;
    }

    public static SecretProtector FromOptions(IOptions<ServerOptions> options)
    {
        var o = options.Value;
        if (!string.IsNullOrWhiteSpace(o.MasterKey))
        {
            return new SecretProtector(Convert.FromBase64String(o.MasterKey));
        }

        Directory.CreateDirectory(o.Store.DataDirectory);
        var path = Path.Combine(o.Store.DataDirectory, "master.key");
        if (!File.Exists(path))
        {
            var fresh = RandomNumberGenerator.GetBytes(32);
            try
            {
                var fileOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    fileOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                using var stream = new FileStream(path, fileOptions);
                stream.Write(Encoding.ASCII.GetBytes(Convert.ToBase64String(fresh)));
            }
            catch (IOException) when (File.Exists(path))
            {
                // Another process created it first: use theirs.
            }
        }

        return new SecretProtector(Convert.FromBase64String(File.ReadAllText(path).Trim()));
    }

    public byte[] Protect(string plaintext)
    {
        var plain = Encoding.UTF8.GetBytes(plaintext);
        var output = new byte[12 + 16 + plain.Length];
        var nonce = output.AsSpan(0, 12);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, 16);
        aes.Encrypt(nonce, plain, output.AsSpan(28), output.AsSpan(12, 16));
        return output;
    }

    /// <summary>
    /// Decrypts a value <see cref="Protect"/> made. Recent results are kept in memory (the webhook worker signs every
    /// event with its key's secret), keyed by the value's random nonce and checked against the whole value.
    /// </summary>
    public string Unprotect(byte[] protectedBytes)
    {
        if (protectedBytes.Length < 28)
        {
            throw new CryptographicException("The protected value is too short.");
        }

        var nonce = (BitConverter.ToUInt64(protectedBytes, 0), BitConverter.ToUInt32(protectedBytes, 8));
        if (_recent.TryGetValue(nonce, out var known) && known.Protected.AsSpan().SequenceEqual(protectedBytes))
        {
            return known.Plain;
        }

        var plaintext = Decrypt(protectedBytes);
        if (_recent.Count >= RecentCapacity)
        {
            _recent.Clear();
        }

        _recent[nonce] = ((byte[])protectedBytes.Clone(), plaintext);
        return plaintext;
    }

    private const int RecentCapacity = 4096;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<(ulong, uint), (byte[] Protected, string Plain)> _recent = new();

    private string Decrypt(byte[] protectedBytes)
    {
        var plain = new byte[protectedBytes.Length - 28];
        using var aes = new AesGcm(_key, 16);
        aes.Decrypt(protectedBytes.AsSpan(0, 12), protectedBytes.AsSpan(28), protectedBytes.AsSpan(12, 16), plain);
        return Encoding.UTF8.GetString(plain);
    }
}
