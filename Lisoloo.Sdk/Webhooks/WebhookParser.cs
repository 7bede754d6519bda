using System.Text.Json;

namespace Lisoloo.Sdk.Webhooks;

/// <summary>
/// Parses webhook bodies into <see cref="WebhookEvent"/>. It does not check signatures:
/// use <see cref="WebhookVerifier"/> first, or <see cref="WebhookVerifier.VerifyAndParse(Func{string, string?}, ReadOnlySpan{byte})"/>.
/// </summary>
public static class WebhookParser
{
    /// <summary>Parses a webhook body (UTF-8 JSON).</summary>
    /// <param name="body">The raw body bytes.</param>
    /// <returns>The event; its <see cref="WebhookEvent.Data"/> is never <see langword="null"/>.</returns>
    /// <exception cref="WebhookFormatException">The body is not JSON, not an object, has a field of the wrong type, or lacks <c>id</c> or <c>type</c>.</exception>
    public static WebhookEvent Parse(ReadOnlySpan<byte> body)
    {
        WebhookEvent? parsed;
        try
        {
            parsed = JsonSerializer.Deserialize(body, WebhookJsonContext.Default.WebhookEvent);
        }
        catch (JsonException ex)
        {
            // The message names the JSON path and position, never the body content.
            throw new WebhookFormatException(
                $"The webhook body is not a valid Lisoloo event (path {ex.Path ?? "$"}, line {ex.LineNumber}, byte {ex.BytePositionInLine}).",
                ex);
        }
        catch (NotSupportedException ex)
        {
            throw new WebhookFormatException("The webhook body is not a valid Lisoloo event.", ex);
        }

        if (parsed is null)
        {
            throw new WebhookFormatException("The webhook body must be a JSON object, not null.");
        }

        if (string.IsNullOrEmpty(parsed.Id))
        {
            throw new WebhookFormatException("The webhook event has no \"id\".");
        }

        if (parsed.Type.Value.Length == 0)
        {
            throw new WebhookFormatException("The webhook event has no \"type\".");
        }

        return parsed.Data is null ? parsed with { Data = new WebhookEventData() } : parsed;
    }

    /// <summary>Parses a webhook body (UTF-8 JSON).</summary>
    /// <param name="body">The raw body bytes.</param>
    /// <returns>The event; its <see cref="WebhookEvent.Data"/> is never <see langword="null"/>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="body"/> is <see langword="null"/>.</exception>
    /// <exception cref="WebhookFormatException">The body is not a well-formed Lisoloo event.</exception>
    public static WebhookEvent Parse(byte[] body) => Parse(new ReadOnlySpan<byte>(Guard.NotNull(body)));
}
