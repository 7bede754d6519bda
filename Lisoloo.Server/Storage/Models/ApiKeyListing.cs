namespace Lisoloo.Server.Storage;

/// <summary>An operator's view of a key (for <c>keys list</c>): no hash, no secrets.</summary>
internal sealed record ApiKeyListing(
    long KeyId,
    string Merchant,
    string Environment,
    string Prefix,
    long CreatedAt,
    long? RevokedAt,
    string? WebhookUrl,
    string? WebhookEvents,
    long? WebhookDisabledAt);
