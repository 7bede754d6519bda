namespace Lisoloo.Sdk;

/// <summary>
/// Retries, timeouts and circuit breaking of the SDK's resilience handler (Polly.Core), with the defaults of
/// Microsoft.Extensions.Http.Resilience's standard pipeline. Only safe requests are retried: GETs, and POSTs and DELETEs
/// that carry an <c>Idempotency-Key</c> (the client adds one to every call and reuses it on each attempt).
/// </summary>
public sealed class LisolooResilienceOptions
{
    /// <summary>
    /// Gets or sets a value indicating whether the SDK adds its resilience handler at all. Turn it off when the host's
    /// HttpClient already has a resilience pipeline. Default <see langword="true"/>.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Gets or sets the retries after the first attempt (0 turns retries off, timeouts and breaker stay). Default 3.</summary>
    public int MaxRetryAttempts { get; set; } = 3;

    /// <summary>Gets or sets the first backoff delay; it doubles each retry, with jitter. Default 2 s.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Gets or sets the longest backoff delay. Default 30 s.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether backoff delays are jittered (decorrelated). Default <see langword="true"/>.</summary>
    public bool UseJitter { get; set; } = true;

    /// <summary>
    /// Gets or sets the longest <c>Retry-After</c> the handler will wait for; a longer one is not waited for and the
    /// answer is returned (and surfaces as a <see cref="LisolooApiException"/> with <see cref="LisolooApiException.RetryAfter"/>). Default 60 s.
    /// </summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Gets or sets the timeout of one attempt. Default 10 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Gets or sets the timeout of a whole call, retries and waits included. Default 30 s.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets a value indicating whether the circuit breaker is on. Default <see langword="true"/>.</summary>
    public bool CircuitBreakerEnabled { get; set; } = true;

    /// <summary>Gets or sets the failure ratio that opens the circuit. Default 0.1.</summary>
    public double FailureRatio { get; set; } = 0.1;

    /// <summary>Gets or sets the fewest calls in a sampling window before the circuit may open. Default 100.</summary>
    public int MinimumThroughput { get; set; } = 100;

    /// <summary>Gets or sets the window over which failures are counted. Default 30 s.</summary>
    public TimeSpan SamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Gets or sets how long an open circuit stays open. Default 5 s.</summary>
    public TimeSpan BreakDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Checks the settings.</summary>
    /// <returns>The problems found, one sentence each.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxRetryAttempts is < 0 or > 10)
        {
            problems.Add("Resilience.MaxRetryAttempts must be from 0 to 10.");
        }

        if (BaseDelay < TimeSpan.Zero || MaxDelay < BaseDelay)
        {
            problems.Add("Resilience.BaseDelay must be ≥ 0 and MaxDelay ≥ BaseDelay.");
        }

        if (AttemptTimeout <= TimeSpan.Zero || TotalTimeout <= TimeSpan.Zero)
        {
            problems.Add("Resilience.AttemptTimeout and TotalTimeout must be positive.");
        }

        if (MaxRetryAfter < TimeSpan.Zero)
        {
            problems.Add("Resilience.MaxRetryAfter must be ≥ 0.");
        }

        if (CircuitBreakerEnabled)
        {
            if (FailureRatio is <= 0 or > 1)
            {
                problems.Add("Resilience.FailureRatio must be in (0, 1].");
            }

            if (MinimumThroughput < 2)
            {
                problems.Add("Resilience.MinimumThroughput must be ≥ 2.");
            }

            if (SamplingDuration < TimeSpan.FromMilliseconds(500) || BreakDuration < TimeSpan.FromMilliseconds(500))
            {
                problems.Add("Resilience.SamplingDuration and BreakDuration must be ≥ 0.5 s.");
            }
        }

        return problems;
    }

    internal LisolooResilienceOptions Clone() => (LisolooResilienceOptions)MemberwiseClone();
}
