namespace Lisoloo.Sdk.Tests.Http;

/// <summary>Every client operation, by name, so that tests can run a rule over all of them.</summary>
internal static class Calls
{
    public const string MessageId = "507f1f77bcf86cd799439011";

    /// <summary>Operations that change something: POST or DELETE, each carrying an <c>Idempotency-Key</c>.</summary>
    public static readonly string[] Writes = ["send", "schedule", "recurring", "calculate", "pause", "resume", "cancel"];

    /// <summary>Operations that only read: GET, no <c>Idempotency-Key</c>.</summary>
    public static readonly string[] Reads = ["status", "balance", "health"];

    public static readonly string[] All = [.. Writes, .. Reads];

    /// <summary>Reads that are retried: all but <c>health</c>, a probe that is tried once and reports what it got.</summary>
    public static readonly string[] RetriedReads = ["status", "balance"];

    /// <summary>Every operation the resilience pipeline retries.</summary>
    public static readonly string[] Retried = [.. Writes, .. RetriedReads];

    private static readonly IReadOnlyList<string> To = ["+243998857000"];

    public static Task Run(LisolooClient client, string operation, CancellationToken cancellationToken = default) => operation switch
    {
        "send" => client.SendAsync(new SendRequest(To, "Hi"), cancellationToken),
        "schedule" => client.ScheduleAsync(new ScheduleRequest(To, "Hi", [new ScheduledDate("2026-07-01", "09:00")]), cancellationToken),
        "recurring" => client.RecurringAsync(new RecurringRequest(To, "Hi", new RecurringSchedule("2026-07-01", "2026-07-03", RecurrenceFrequency.Daily, ["09:00"])), cancellationToken),
        "calculate" => client.CalculateAsync(10m, cancellationToken),
        "pause" => client.PauseAsync(MessageId, cancellationToken),
        "resume" => client.ResumeAsync(MessageId, cancellationToken),
        "cancel" => client.CancelAsync(MessageId, cancellationToken),
        "status" => client.GetStatusAsync(MessageId, cancellationToken),
        "balance" => client.GetBalanceAsync(cancellationToken),
        "health" => client.GetHealthAsync(cancellationToken),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };

    /// <summary>The HTTP method and path (below the API root) each operation uses.</summary>
    public static (HttpMethod Method, string Path) Route(string operation) => operation switch
    {
        "send" or "schedule" or "recurring" => (HttpMethod.Post, "send"),
        "calculate" => (HttpMethod.Post, "calculate"),
        "pause" => (HttpMethod.Post, "pause/" + MessageId),
        "resume" => (HttpMethod.Post, "resume/" + MessageId),
        "cancel" => (HttpMethod.Delete, "cancel/" + MessageId),
        "status" => (HttpMethod.Get, "status/" + MessageId),
        "balance" => (HttpMethod.Get, "balance"),
        "health" => (HttpMethod.Get, "health"),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };
}
