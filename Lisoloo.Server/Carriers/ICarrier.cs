using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Carriers;

/// <summary>
/// A route to handsets. The dispatcher hands it batches of claimed deliveries and stores what it answers; carriers
/// that learn outcomes later report them as receipts. Implementations: <c>Sandbox</c> (deterministic, for test keys)
/// and the SMPP bridge (live keys).
/// </summary>
internal interface ICarrier
{
    /// <summary>The name stored with each delivery (<c>sandbox</c>, <c>smpp</c>).</summary>
    string Name { get; }

    /// <summary>True when the route can take messages now (for <c>/health</c>).</summary>
    bool IsReady { get; }

    /// <summary>The carrier's own links, each shown on <c>/health</c> (SMPP: one per connection and its bind state).</summary>
    IEnumerable<(string Name, bool Ready, string Description)> Links => [];

    /// <summary>False for a carrier registered but not configured (SMPP without connections): no route, not on <c>/health</c>.</summary>
    bool IsConfigured => true;

    /// <summary>A human line on the route's state (for <c>/health</c>).</summary>
    string Describe();

    /// <summary>
    /// Whether the carrier has a route to <paramref name="recipient"/> (E.164), whatever the route's state now: a send
    /// with a recipient no route covers is refused at <c>POST /send</c> (422, 1503). Every number, unless the carrier says otherwise.
    /// </summary>
    bool Covers(string recipient) => true;

    /// <summary>
    /// Submits a batch: one task per delivery, in the batch's order, each completing as soon as that delivery's outcome
    /// is known. The dispatcher stores outcomes as they complete, so a crash repeats only what was in flight, not the
    /// whole batch. A task that faults leaves its delivery leased; it is claimed again when the lease ends.
    /// </summary>
    IReadOnlyList<Task<SubmitResult>> Submit(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken);
}
