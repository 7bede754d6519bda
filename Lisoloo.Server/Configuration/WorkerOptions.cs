namespace Lisoloo.Server.Configuration;

internal sealed class WorkerOptions
{
    /// <summary>Longest idle wait of a worker between polls (they are also woken by hints).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Rows claimed per batch.</summary>
    public int BatchSize { get; set; } = 250;

    /// <summary>How long a claim holds before another worker may take the row.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Claimed batches a network carrier (SMPP) may have in flight at once, so claiming does not wait for the SMSC.</summary>
    public int SubmitConcurrency { get; set; } = 4;

    /// <summary>When a delivery the carrier could not take right now (a temporary refusal, no bound route) is tried again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the dispatch, receipt and webhook workers let work gather after a hint before claiming it (real time,
    /// not the store's clock). Under load a step then carries hundreds of rows instead of a handful, which is what keeps
    /// the workers' cost per message low; it adds at most this much to each hand-off. Zero claims at once.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(20);
}
