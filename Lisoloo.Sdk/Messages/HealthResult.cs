namespace Lisoloo.Sdk;

/// <summary>What <c>GET /health</c> answers: liveness and the readiness of the store and the carrier routes.</summary>
public sealed record HealthResult
{
    /// <summary>Gets the overall status: <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>.</summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>Gets the server's version.</summary>
    public string? Version { get; init; }

    /// <summary>Gets the server's time (UTC).</summary>
    public DateTimeOffset? Time { get; init; }

    /// <summary>Gets each dependency's check, keyed by name (e.g. <c>store</c>, <c>carrier</c>).</summary>
    public IReadOnlyDictionary<string, HealthCheck>? Checks { get; init; }

    /// <summary>Gets a value indicating whether <see cref="Status"/> is <c>healthy</c>.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsHealthy => string.Equals(Status, "healthy", StringComparison.OrdinalIgnoreCase);
}

/// <summary>One dependency's health.</summary>
public sealed record HealthCheck
{
    /// <summary>Gets the status: <c>healthy</c>, <c>degraded</c> or <c>unhealthy</c>.</summary>
    public string Status { get; init; } = string.Empty;

    /// <summary>Gets a human description.</summary>
    public string? Description { get; init; }
}
