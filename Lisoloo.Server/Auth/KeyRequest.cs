namespace Lisoloo.Server.Auth;

/// <summary>What an operator asks for when creating a key.</summary>
internal sealed record KeyRequest(
    string Merchant,
    string Environment,
    decimal Balance,
    decimal UnitPrice,
    string Currency,
    string? WebhookUrl = null,
    string? WebhookUser = null,
    string? WebhookPassword = null,
    string? WebhookEvents = null,
    string? DefaultSender = null,
    int? SendPerMinute = null);
