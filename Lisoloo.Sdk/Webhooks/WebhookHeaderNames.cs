namespace Lisoloo.Sdk.Webhooks;

/// <summary>The HTTP header names of a signed webhook delivery (both schemes).</summary>
public static class WebhookHeaderNames
{
    /// <summary>Lisoloo scheme: the signing time in unix seconds.</summary>
    public const string LisolooTimestamp = "X-Lisoloo-Timestamp";

    /// <summary>Lisoloo scheme: <c>v1=&lt;hex HMAC-SHA256&gt;</c>, one entry per active secret, comma-separated.</summary>
    public const string LisolooSignature = "X-Lisoloo-Signature";

    /// <summary>Standard Webhooks: the message id (the Lisoloo event id).</summary>
    public const string WebhookId = "webhook-id";

    /// <summary>Standard Webhooks: the signing time in unix seconds.</summary>
    public const string WebhookTimestamp = "webhook-timestamp";

    /// <summary>Standard Webhooks: <c>v1,&lt;base64 HMAC-SHA256&gt;</c>, one entry per active secret, space-separated.</summary>
    public const string WebhookSignature = "webhook-signature";

    /// <summary>HTTP Basic credentials, when the key has webhook credentials.</summary>
    public const string Authorization = "Authorization";
}
