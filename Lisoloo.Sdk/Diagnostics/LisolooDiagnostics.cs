using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Reflection;

namespace Lisoloo.Sdk;

/// <summary>
/// The SDK's <see cref="System.Diagnostics.ActivitySource"/> and <see cref="System.Diagnostics.Metrics.Meter"/>, both named <c>Lisoloo.Sdk</c>.
/// Subscribe with OpenTelemetry's <c>AddSource("Lisoloo.Sdk")</c> and <c>AddMeter("Lisoloo.Sdk")</c>.
/// </summary>
public static class LisolooDiagnostics
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Lisoloo.Sdk";

    /// <summary>Gets the SDK's informational version, e.g. <c>0.1.0</c>.</summary>
    public static string Version { get; } = typeof(LisolooDiagnostics).Assembly
        .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0] ?? "0.0.0";

    internal static ActivitySource ActivitySource { get; } = new(Name, Version);

    internal static Meter Meter { get; } = new(Name, Version);

    internal static Counter<long> Requests { get; } = Meter.CreateCounter<long>(
        "lisoloo.client.requests", unit: "{request}", description: "Calls made by the Lisoloo client, by operation and outcome.");

    internal static Histogram<double> Duration { get; } = Meter.CreateHistogram<double>(
        "lisoloo.client.request.duration", unit: "s", description: "Duration of Lisoloo client calls, retries included.");

    internal static Counter<long> Retries { get; } = Meter.CreateCounter<long>(
        "lisoloo.client.retries", unit: "{retry}", description: "Retries made by the Lisoloo resilience handler.");
}
