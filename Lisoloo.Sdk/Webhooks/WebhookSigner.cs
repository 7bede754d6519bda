using System.Collections.ObjectModel;

namespace Lisoloo.Sdk.Webhooks;

/// <summary>
/// Signs webhook deliveries with both schemes at once: the Lisoloo headers
/// (<c>X-Lisoloo-Timestamp</c>, <c>X-Lisoloo-Signature: v1=&lt;hex&gt;</c>) and the Standard Webhooks headers
/// (<c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature: v1,&lt;base64&gt;</c>).
/// The server uses it for every delivery; tests use it to produce signed requests.
/// Signatures cover the raw body bytes exactly as sent.
/// </summary>
public static class WebhookSigner
{
    /// <summary>Signs a delivery with one or more secrets (several during a rotation).</summary>
    /// <param name="secrets">The active secrets (<c>whsec_...</c>); one signature per secret in each scheme.</param>
    /// <param name="eventId">The event id, sent as <c>webhook-id</c> and covered by the Standard Webhooks signature.</param>
    /// <param name="body">The exact body bytes that will be sent.</param>
    /// <param name="timestamp">The signing time (truncated to whole unix seconds).</param>
    /// <returns>The five headers to add to the request, by name (case-insensitive lookup).</returns>
    /// <exception cref="ArgumentException">No secrets, a malformed secret, or an empty event id.</exception>
    public static IReadOnlyDictionary<string, string> Sign(IEnumerable<string> secrets, string eventId, ReadOnlySpan<byte> body, DateTimeOffset timestamp)
    {
        Guard.NotNull(secrets);
        Guard.NotNullOrWhiteSpace(eventId);
        var list = secrets.ToList();
        if (list.Count == 0)
        {
            throw new ArgumentException("At least one secret is needed to sign.", nameof(secrets));
        }

        var seconds = timestamp.ToUnixTimeSeconds();
        var lisoloo = new List<string>(list.Count);
        var standard = new List<string>(list.Count);
        foreach (var secret in list)
        {
            Guard.NotNull(secret, nameof(secrets));
            lisoloo.Add(ComputeLisolooSignature(secret, seconds, body));
            standard.Add(ComputeStandardSignature(secret, eventId, seconds, body));
        }

        var timestampText = WebhookCrypto.FormatUnixSeconds(seconds);
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            [WebhookHeaderNames.LisolooTimestamp] = timestampText,
            [WebhookHeaderNames.LisolooSignature] = string.Join(",", lisoloo),
            [WebhookHeaderNames.WebhookId] = eventId,
            [WebhookHeaderNames.WebhookTimestamp] = timestampText,
            [WebhookHeaderNames.WebhookSignature] = string.Join(" ", standard),
        };
        return new ReadOnlyDictionary<string, string>(headers);
    }

    /// <summary>Signs a delivery with a single secret.</summary>
    /// <param name="secret">The secret (<c>whsec_...</c>).</param>
    /// <param name="eventId">The event id.</param>
    /// <param name="body">The exact body bytes that will be sent.</param>
    /// <param name="timestamp">The signing time.</param>
    /// <returns>The five headers to add to the request.</returns>
    public static IReadOnlyDictionary<string, string> Sign(string secret, string eventId, ReadOnlySpan<byte> body, DateTimeOffset timestamp)
        => Sign([Guard.NotNull(secret)], eventId, body, timestamp);

    /// <summary>Computes one Lisoloo-scheme signature entry: <c>v1=</c> and the lowercase hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c>, keyed with the UTF-8 bytes of the whole secret.</summary>
    /// <param name="secret">The secret (<c>whsec_...</c>).</param>
    /// <param name="unixSeconds">The timestamp sent in <c>X-Lisoloo-Timestamp</c>.</param>
    /// <param name="body">The raw body bytes.</param>
    /// <returns>The entry, e.g. <c>v1=5257a869...</c>.</returns>
    public static string ComputeLisolooSignature(string secret, long unixSeconds, ReadOnlySpan<byte> body)
    {
        Guard.NotNullOrWhiteSpace(secret);
        var mac = WebhookCrypto.Hmac(WebhookSecret.GetLisolooKey(secret), WebhookCrypto.FormatUnixSeconds(unixSeconds) + ".", body);
        return "v1=" + WebhookCrypto.ToLowerHex(mac);
    }

    /// <summary>Computes one Standard Webhooks signature entry: <c>v1,</c> and the base64 HMAC-SHA256 of <c>"{id}.{timestamp}.{body}"</c>, keyed with the base64-decoded bytes after <c>whsec_</c>.</summary>
    /// <param name="secret">The secret (<c>whsec_&lt;base64&gt;</c>).</param>
    /// <param name="messageId">The <c>webhook-id</c> (the event id).</param>
    /// <param name="unixSeconds">The timestamp sent in <c>webhook-timestamp</c>.</param>
    /// <param name="body">The raw body bytes.</param>
    /// <returns>The entry, e.g. <c>v1,g0hM9SsE...</c>.</returns>
    /// <exception cref="ArgumentException">The secret is not of the form <c>whsec_&lt;base64&gt;</c>.</exception>
    public static string ComputeStandardSignature(string secret, string messageId, long unixSeconds, ReadOnlySpan<byte> body)
    {
        Guard.NotNull(secret);
        Guard.NotNull(messageId);
        var key = WebhookSecret.GetStandardKey(secret, nameof(secret));
        var mac = WebhookCrypto.Hmac(key, messageId + "." + WebhookCrypto.FormatUnixSeconds(unixSeconds) + ".", body);
        return "v1," + Convert.ToBase64String(mac);
    }
}
