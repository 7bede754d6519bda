using System.Text.Json.Serialization;
using Lisoloo.Sdk;

namespace Lisoloo.Server.Api;

/// <summary>Source-generated serialization of the SDK's wire records: both ends share one model, nothing reflects.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SendResult))]
[JsonSerializable(typeof(MessageStatus))]
[JsonSerializable(typeof(BalanceResult))]
[JsonSerializable(typeof(CalculateResult))]
[JsonSerializable(typeof(HealthResult))]
[JsonSerializable(typeof(MessageActionResult))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(string))]
internal sealed partial class ServerJsonContext : JsonSerializerContext;
