using System.Text.Json.Serialization;

namespace Lisoloo.Sdk.Serialization;

/// <summary>
/// Source-generated serialization for every wire type: snake_case names, nulls omitted, no reflection.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = [typeof(DayOfWeekJsonConverter)])]
[JsonSerializable(typeof(SendPayload))]
[JsonSerializable(typeof(ApiEnvelope<SendResult>))]
[JsonSerializable(typeof(ApiEnvelope<MessageStatus>))]
[JsonSerializable(typeof(ApiEnvelope<BalanceResult>))]
[JsonSerializable(typeof(ApiEnvelope<CalculateResult>))]
[JsonSerializable(typeof(ApiEnvelope<HealthResult>))]
[JsonSerializable(typeof(ApiEnvelope<MessageActionResult>))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class LisolooJsonContext : JsonSerializerContext
{
}
