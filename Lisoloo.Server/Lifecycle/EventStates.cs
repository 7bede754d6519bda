namespace Lisoloo.Server.Lifecycle;

/// <summary>The states of a webhook event in the outbox (the <c>events</c> row), by their stored names: the one place they are written.</summary>
internal static class EventStates
{
    /// <summary>Waiting for its next attempt.</summary>
    public const string Pending = "pending";

    /// <summary>The receiver answered 2xx.</summary>
    public const string Delivered = "delivered";

    /// <summary>Out of attempts, or refused for good.</summary>
    public const string Failed = "failed";

    /// <summary>Its target was turned off (the key's webhook answered 410 Gone).</summary>
    public const string Disabled = "disabled";
}
