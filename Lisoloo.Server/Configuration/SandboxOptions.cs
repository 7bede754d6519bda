namespace Lisoloo.Server.Configuration;

internal sealed class SandboxOptions
{
    /// <summary>Delay before an ordinary sandbox number is delivered.</summary>
    public TimeSpan DeliveryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delay for +99900000005 (delivered late).</summary>
    public TimeSpan SlowDeliveryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before the failure receipts (undelivered, expired, rejected).</summary>
    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromSeconds(1);
}
