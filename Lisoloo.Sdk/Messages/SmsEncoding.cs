using System.Text.Json.Serialization;
using Lisoloo.Sdk.Serialization;

namespace Lisoloo.Sdk;

/// <summary>
/// The character encoding a message is sent in.
/// An open set: values this version does not know still parse, and compare by their text.
/// </summary>
[JsonConverter(typeof(SmsEncodingJsonConverter))]
public readonly struct SmsEncoding : IEquatable<SmsEncoding>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire text (compared case-insensitively).</summary>
    /// <param name="value">The wire text, e.g. <c>"gsm7"</c>.</param>
    public SmsEncoding(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        _value = value.ToLowerInvariant();
    }

    /// <summary>GSM 03.38 7-bit default alphabet: 160 septets in one SMS, 153 per part beyond.</summary>
    public static SmsEncoding Gsm7 { get; } = new("gsm7");

    /// <summary>UCS-2 (UTF-16): 70 units in one SMS, 67 per part beyond.</summary>
    public static SmsEncoding Ucs2 { get; } = new("ucs2");

    /// <summary>Gets the wire text of this value.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Converts wire text into a value.</summary>
    /// <param name="value">The wire text.</param>
    public static implicit operator SmsEncoding(string value) => new(value);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when both have the same text.</returns>
    public static bool operator ==(SmsEncoding left, SmsEncoding right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when the texts differ.</returns>
    public static bool operator !=(SmsEncoding left, SmsEncoding right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(SmsEncoding other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SmsEncoding other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>JSON converter for <see cref="SmsEncoding"/>.</summary>
public sealed class SmsEncodingJsonConverter : StringValueJsonConverter<SmsEncoding>
{
    /// <inheritdoc />
    protected override SmsEncoding Create(string value) => new(value);

    /// <inheritdoc />
    protected override string GetValue(SmsEncoding value) => value.Value;
}
