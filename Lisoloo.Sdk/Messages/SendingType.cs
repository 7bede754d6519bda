using System.Text.Json.Serialization;
using Lisoloo.Sdk.Serialization;

namespace Lisoloo.Sdk;

/// <summary>
/// How a send is timed: immediate, scheduled or recurring.
/// An open set: values this version does not know still parse, and compare by their text.
/// </summary>
[JsonConverter(typeof(SendingTypeJsonConverter))]
public readonly struct SendingType : IEquatable<SendingType>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire text (compared case-insensitively).</summary>
    /// <param name="value">The wire text, e.g. <c>"immediate"</c>.</param>
    public SendingType(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        _value = value.ToLowerInvariant();
    }

    /// <summary>Sent at once (<c>instant</c> is accepted as an alias by the server).</summary>
    public static SendingType Immediate { get; } = new("immediate");

    /// <summary>Sent at one or more set dates and times.</summary>
    public static SendingType Scheduled { get; } = new("scheduled");

    /// <summary>Sent on a recurring schedule.</summary>
    public static SendingType Recurring { get; } = new("recurring");

    /// <summary>Gets the wire text of this value.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Converts wire text into a value.</summary>
    /// <param name="value">The wire text.</param>
    public static implicit operator SendingType(string value) => new(value);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when both have the same text.</returns>
    public static bool operator ==(SendingType left, SendingType right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when the texts differ.</returns>
    public static bool operator !=(SendingType left, SendingType right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(SendingType other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SendingType other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>JSON converter for <see cref="SendingType"/>.</summary>
public sealed class SendingTypeJsonConverter : StringValueJsonConverter<SendingType>
{
    /// <inheritdoc />
    protected override SendingType Create(string value) => new(value);

    /// <inheritdoc />
    protected override string GetValue(SendingType value) => value.Value;
}
