namespace Lisoloo.Server.Storage;

/// <summary>The webhook outbox: events claimed under a lease, attempts recorded durably.</summary>
internal interface IEventStore
{
    /// <summary>
    /// Claims due events: each claim pushes the event's next attempt past <paramref name="lease"/> and counts the
    /// attempt, so a crashed worker's events are attempted again once the lease ends.
    /// </summary>
    Task<IReadOnlyList<ClaimedEvent>> ClaimEventsAsync(int max, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Records attempt outcomes; a 410 from the key's own webhook disables that URL for the key.</summary>
    Task ApplyEventAttemptsAsync(IReadOnlyList<(ClaimedEvent Event, EventAttempt Attempt)> attempts, CancellationToken cancellationToken = default);

    /// <summary>Outbox rows by state (for tests, metrics and operators).</summary>
    ValueTask<IReadOnlyDictionary<string, long>> CountEventsAsync(CancellationToken cancellationToken = default);
}
