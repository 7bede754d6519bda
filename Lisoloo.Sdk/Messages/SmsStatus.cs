using System.Text.Json.Serialization;
using Lisoloo.Sdk.Serialization;

namespace Lisoloo.Sdk;

/// <summary>
/// The state of a message, per recipient or in aggregate: one of the 14 lifecycle states.
/// An open set: values this version does not know still parse, and compare by their text.
/// </summary>
[JsonConverter(typeof(SmsStatusJsonConverter))]
public readonly struct SmsStatus : IEquatable<SmsStatus>
{
    private readonly string? _value;

    /// <summary>Creates a value from its wire text (compared case-insensitively).</summary>
    /// <param name="value">The wire text, e.g. <c>"pending"</c>.</param>
    public SmsStatus(string value)
    {
        if (value is null)
        {
            throw new ArgumentNullException(nameof(value));
        }

        _value = value.ToLowerInvariant();
    }

    /// <summary>Accepted, not yet queued for the carrier.</summary>
    public static SmsStatus Pending { get; } = new("pending");

    /// <summary>Waiting for its scheduled time.</summary>
    public static SmsStatus Scheduled { get; } = new("scheduled");

    /// <summary>A scheduled or recurring send paused by its owner.</summary>
    public static SmsStatus Paused { get; } = new("paused");

    /// <summary>Queued for the carrier.</summary>
    public static SmsStatus Queued { get; } = new("queued");

    /// <summary>Being handed to the carrier.</summary>
    public static SmsStatus Processing { get; } = new("processing");

    /// <summary>Handed to the carrier; no receipt yet.</summary>
    public static SmsStatus Sent { get; } = new("sent");

    /// <summary>The carrier accepted it (intermediate receipt).</summary>
    public static SmsStatus Accepted { get; } = new("accepted");

    /// <summary>Delivered to the handset (terminal).</summary>
    public static SmsStatus Delivered { get; } = new("delivered");

    /// <summary>The carrier could not deliver it (terminal).</summary>
    public static SmsStatus Undelivered { get; } = new("undelivered");

    /// <summary>The validity period ran out before delivery (terminal).</summary>
    public static SmsStatus Expired { get; } = new("expired");

    /// <summary>Rejected by the carrier (terminal).</summary>
    public static SmsStatus Rejected { get; } = new("rejected");

    /// <summary>Failed before or at the carrier (terminal).</summary>
    public static SmsStatus Failed { get; } = new("failed");

    /// <summary>Cancelled before it reached the carrier, and refunded (terminal).</summary>
    public static SmsStatus Cancelled { get; } = new("cancelled");

    /// <summary>The carrier reported an unknown state.</summary>
    public static SmsStatus Unknown { get; } = new("unknown");

    /// <summary>Gets the wire text of this value.</summary>
    public string Value => _value ?? string.Empty;

    /// <summary>Gets a value indicating whether this is one of the six terminal states
    /// (delivered, undelivered, expired, rejected, failed, cancelled).</summary>
    public bool IsTerminal => Value is "delivered" or "undelivered" or "expired" or "rejected" or "failed" or "cancelled";

    /// <summary>Gets a value indicating whether this is a terminal state other than delivered.</summary>
    public bool IsFailure => IsTerminal && Value != "delivered";

    /// <summary>Gets a value indicating whether this version of the SDK knows this state.</summary>
    public bool IsKnown => Array.IndexOf(KnownValues, Value) >= 0;

    /// <summary>Gets the wire texts of the 14 states this version knows, in lifecycle order.</summary>
    public static IReadOnlyList<string> All => KnownValues;

    private static readonly string[] KnownValues =
    [
        "pending", "scheduled", "paused", "queued", "processing", "sent", "accepted",
        "delivered", "undelivered", "expired", "rejected", "failed", "cancelled", "unknown",
    ];

    /// <summary>Converts wire text into a value.</summary>
    /// <param name="value">The wire text.</param>
    public static implicit operator SmsStatus(string value) => new(value);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when both have the same text.</returns>
    public static bool operator ==(SmsStatus left, SmsStatus right) => left.Equals(right);

    /// <summary>Compares two values.</summary>
    /// <param name="left">The left value.</param>
    /// <param name="right">The right value.</param>
    /// <returns><see langword="true"/> when the texts differ.</returns>
    public static bool operator !=(SmsStatus left, SmsStatus right) => !left.Equals(right);

    /// <inheritdoc />
    public bool Equals(SmsStatus other) => string.Equals(Value, other.Value, StringComparison.Ordinal);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SmsStatus other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    /// <inheritdoc />
    public override string ToString() => Value;
}

/// <summary>JSON converter for <see cref="SmsStatus"/>.</summary>
public sealed class SmsStatusJsonConverter : StringValueJsonConverter<SmsStatus>
{
    /// <inheritdoc />
    protected override SmsStatus Create(string value) => new(value);

    /// <inheritdoc />
    protected override string GetValue(SmsStatus value) => value.Value;
}
