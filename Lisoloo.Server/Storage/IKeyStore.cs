namespace Lisoloo.Server.Storage;

/// <summary>API keys: created by operators, looked up by the SHA-256 of the cleartext on every request.</summary>
internal interface IKeyStore
{
    /// <summary>Creates the merchant and its account for the environment when missing, then the key. Returns the key id.</summary>
    Task<long> CreateKeyAsync(NewApiKey key, CancellationToken cancellationToken = default);

    /// <summary>True when at least one key exists (revoked or not): the first-run bootstrap runs only on an empty store.</summary>
    ValueTask<bool> AnyKeyAsync(CancellationToken cancellationToken = default);

    /// <summary>The active key with this hash, compared in constant time; <see langword="null"/> when unknown or revoked.</summary>
    ValueTask<ApiKeyInfo?> FindKeyAsync(byte[] keyHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// <see cref="FindKeyAsync"/> through a short-lived cache: only for requests whose write checks the key again in its
    /// transaction (<c>POST /send</c>), so a revocation still takes effect at once.
    /// </summary>
    ValueTask<ApiKeyInfo?> FindKeyCachedAsync(byte[] keyHash, CancellationToken cancellationToken = default);

    /// <summary>Every key, newest first, without hash or secrets.</summary>
    ValueTask<IReadOnlyList<ApiKeyListing>> ListKeysAsync(CancellationToken cancellationToken = default);

    /// <summary>Revokes a key at once. False when there is no such active key.</summary>
    Task<bool> RevokeKeyAsync(long keyId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces an active key's webhook secret; the old one keeps signing (beside the new one) until
    /// <paramref name="previousUntil"/> (unix ms). False when there is no such active key.
    /// </summary>
    Task<bool> RotateWebhookSecretAsync(long keyId, byte[] newSecretEncrypted, long previousUntil, CancellationToken cancellationToken = default);
}
