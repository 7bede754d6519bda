namespace Lisoloo.Server.Storage;

/// <summary>An API key as the request pipeline needs it (never the cleartext, never the secrets).</summary>
internal sealed record ApiKeyInfo(
    long KeyId,
    long AccountId,
    string Merchant,
    string Environment,
    string Prefix,
    string Currency,
    long UnitPriceMicros,
    string? DefaultSender,
    string? WebhookUrl,
    string? WebhookEvents,
    bool WebhookDisabled,
    int? SendPerMinute,
    int? StatusPerMinute,
    int? BalancePerMinute,
    int? CalculatePerMinute)
{
    public bool IsLive => Environment == "live";
}
