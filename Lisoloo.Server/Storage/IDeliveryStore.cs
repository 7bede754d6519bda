namespace Lisoloo.Server.Storage;

/// <summary>
/// The workers' claims on deliveries: due occurrences released into deliveries, deliveries claimed under a lease for a
/// carrier and the carrier's answers applied, and receipts announced at submit applied when due. Every claim is made in
/// the database, so a crashed worker's rows are claimed again once their lease ends.
/// </summary>
internal interface IDeliveryStore
{
    /// <summary>Turns due scheduled occurrences into pending deliveries (one per recipient). Returns the occurrences released.</summary>
    Task<int> ReleaseDueOccurrencesAsync(int maxOccurrences, CancellationToken cancellationToken = default);

    /// <summary>The earliest scheduled occurrence not yet released, unix ms (for scheduler lag and sleeping until then).</summary>
    ValueTask<long?> NextScheduledAtAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Claims due deliveries (pending, or queued/processing whose lease ran out), moves them to <c>processing</c> under
    /// <paramref name="lease"/> and writes their <c>sms.queued</c>/<c>sms.processing</c> events. Rows whose environment
    /// has an in-process carrier (<paramref name="inlineFor"/>) are submitted inside the claim and their outcome applied
    /// at once; the others are returned, to be submitted and applied with <see cref="ApplySubmitResultsAsync"/>.
    /// </summary>
    Task<DeliveryClaim> ClaimDeliveriesAsync(int max, TimeSpan lease, Func<string, IInlineCarrier?> inlineFor, TimeSpan retryDelay, CancellationToken cancellationToken = default);

    /// <summary>
    /// Extends the lease of deliveries this node claimed and still has in flight to <paramref name="lease"/> from now,
    /// so a batch the carrier takes longer than one lease over is not claimed again meanwhile. Only rows still
    /// <c>processing</c> under a lease that has not run out (and, on a shared store, held by this node) are extended;
    /// returns their ids. A row left out was stored meanwhile, or its lease had run out: another node may have it now.
    /// </summary>
    Task<IReadOnlyList<long>> ExtendLeasesAsync(IReadOnlyCollection<long> deliveryIds, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies what the carrier said at submit: accepted → <c>sent</c> (the reserve becomes spend), refused →
    /// <c>failed</c> and refunded, retryable → back to <c>queued</c> after <paramref name="retryDelay"/>.
    /// </summary>
    Task ApplySubmitResultsAsync(IReadOnlyList<ClaimedDelivery> batch, IReadOnlyList<SubmitResult> results, string carrier, TimeSpan retryDelay, CancellationToken cancellationToken = default);

    /// <summary>Applies receipts announced at submit (the sandbox carrier's) whose time has come. Returns how many.</summary>
    Task<int> ApplyDueAnnouncedReceiptsAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>The earliest announced receipt not yet applied, unix ms.</summary>
    ValueTask<long?> NextAnnouncedReceiptAtAsync(CancellationToken cancellationToken = default);

    /// <summary>Deliveries waiting for hand-off (for the queue-depth metric).</summary>
    ValueTask<long> CountPendingDeliveriesAsync(CancellationToken cancellationToken = default);
}
