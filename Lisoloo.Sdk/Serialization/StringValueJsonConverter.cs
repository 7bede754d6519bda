using System.Text.Json;
using System.Text.Json.Serialization;

namespace Lisoloo.Sdk.Serialization;

/// <summary>
/// Reads and writes an open string value type (a status, an event type) as a JSON string.
/// An unknown value parses into the type; it never throws.
/// </summary>
/// <typeparam name="T">The value type.</typeparam>
public abstract class StringValueJsonConverter<T> : JsonConverter<T>
    where T : struct
{
    /// <summary>Creates the value type from its wire text.</summary>
    /// <param name="value">The wire text.</param>
    /// <returns>The value.</returns>
    protected abstract T Create(string value);

    /// <summary>Gets the wire text of a value.</summary>
    /// <param name="value">The value.</param>
    /// <returns>The wire text.</returns>
    protected abstract string GetValue(T value);

    /// <inheritdoc />
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException($"Expected a JSON string for {typeof(T).Name}, got {reader.TokenType}.");
        }

        return Create(reader.GetString() ?? string.Empty);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options)
        => writer.WriteStringValue(GetValue(value));
}
