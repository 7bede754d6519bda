namespace Lisoloo.Server.Configuration;

internal sealed class WebhookOptions
{
    /// <summary>Delays before attempts 2, 3 and 4 (4 attempts in all); jitter of ±20 % is applied.</summary>
    public TimeSpan[]? RetryDelays { get; set; }

    /// <summary>The delays in force: the configured ones, else 30 s, 2 min, 8 min (4 attempts in all).</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays is { Length: > 0 } d ? d : [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(8)];

    /// <summary>Timeout of one delivery attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Allow callback and webhook URLs on loopback/private addresses for live keys (development only).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Deliveries in flight at once.</summary>
    public int Concurrency { get; set; } = 32;
}
