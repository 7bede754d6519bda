namespace Lisoloo.Server.Storage;

/// <summary>What <c>keys create</c> stores.</summary>
internal sealed record NewApiKey(
    string Merchant,
    string Environment,
    byte[] KeyHash,
    string Prefix,
    long BalanceMicros,
    long UnitPriceMicros,
    string Currency,
    byte[] WebhookSecretEncrypted,
    string? WebhookUrl,
    string? WebhookUser,
    byte[]? WebhookPasswordEncrypted,
    string? WebhookEvents,
    string? DefaultSender,
    int? SendPerMinute);
