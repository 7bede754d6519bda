namespace Lisoloo.Server.Storage;

/// <summary>An outbox event claimed for delivery.</summary>
internal sealed record ClaimedEvent(long Id, string EventId, long KeyId, string TargetUrl, string Type, byte[] Payload, int Attempts, bool LiveKey, string? WebhookUser, byte[]? WebhookPasswordEncrypted, byte[] WebhookSecretEncrypted, bool FromKeyWebhook)
{
    /// <summary>The previous secret while a rotation's overlap lasts: deliveries are signed with both.</summary>
    public byte[]? PreviousSecretEncrypted { get; init; }
}
