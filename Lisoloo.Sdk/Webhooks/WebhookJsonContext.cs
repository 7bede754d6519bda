using System.Text.Json.Serialization;

namespace Lisoloo.Sdk.Webhooks;

/// <summary>Source-generated serialization for webhook events: snake_case names, no reflection.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WebhookEvent))]
internal sealed partial class WebhookJsonContext : JsonSerializerContext
{
}
