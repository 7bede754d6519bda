using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lisoloo.Sdk.Serialization;

/// <summary>Writes <see cref="DayOfWeek"/> as lowercase English names (<c>"monday"</c>) and reads them case-insensitively.</summary>
public sealed class DayOfWeekJsonConverter : JsonConverter<DayOfWeek>
{
    private static readonly string[] Names = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];

    /// <inheritdoc />
    public override DayOfWeek Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            var text = reader.GetString();
            for (var i = 0; i < Names.Length; i++)
            {
                if (string.Equals(Names[i], text, StringComparison.OrdinalIgnoreCase))
                {
                    return (DayOfWeek)i;
                }
            }
        }

        throw new JsonException("Expected a day of the week such as \"monday\".");
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, DayOfWeek value, JsonSerializerOptions options)
    {
        var index = (int)value;
        if (index < 0 || index >= Names.Length)
        {
            throw new JsonException($"{value} is not a day of the week.");
        }

        writer.WriteStringValue(Names[index]);
    }
}
