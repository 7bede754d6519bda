using System.Text.Json.Serialization;
using Lisoloo.Sdk.Serialization;

namespace Lisoloo.Sdk;

/// <summary>
/// How often a recurring schedule repeats.
/// An open set: values this version does not know still parse, and compare by their text.
/// </summary>
[JsonConverter(typeof(RecurrenceFrequencyJsonConverter))]
public readonly struct RecurrenceFrequency : IEquatable<RecurrenceFrequency>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire text (compared case-insensitively).</summary>
    /// <param name="value">The wire text, e.g. <c>"daily"</c>.</param>
    public RecurrenceFrequency(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        _value = value.ToLowerInvariant();
    }

    /// <summary>Every <c>interval</c> days.</summary>
    public static RecurrenceFrequency Daily { get; } = new("daily");

    /// <summary>Every <c>interval</c> weeks, on <c>days_of_week</c>.</summary>
    public static RecurrenceFrequency Weekly { get; } = new("weekly");

    /// <summary>Every <c>interval</c> months, on the start date's day (clamped to the month's last day).</summary>
    public static RecurrenceFrequency Monthly { get; } = new("monthly");

    /// <summary>Every <c>interval</c> years, on the start date (Feb 29 becomes Feb 28 in other years).</summary>
    public static RecurrenceFrequency Yearly { get; } = new("yearly");

    /// <summary>Gets the wire text of this value.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Converts wire text into a value.</summary>
    /// <param name="value">The wire text.</param>
    public static implicit operator RecurrenceFrequency(string value) => new(value);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when both have the same text.</returns>
    public static bool operator ==(RecurrenceFrequency left, RecurrenceFrequency right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when the texts differ.</returns>
    public static bool operator !=(RecurrenceFrequency left, RecurrenceFrequency right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(RecurrenceFrequency other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is RecurrenceFrequency other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>JSON converter for <see cref="RecurrenceFrequency"/>.</summary>
public sealed class RecurrenceFrequencyJsonConverter : StringValueJsonConverter<RecurrenceFrequency>
{
    /// <inheritdoc />
    protected override RecurrenceFrequency Create(string value) => new(value);

    /// <inheritdoc />
    protected override string GetValue(RecurrenceFrequency value) => value.Value;
}
