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

/// <summary>
/// A carrier that decides in process, synchronously and with no effect outside this process (the sandbox). The
/// dispatcher submits to it inside the claim's own transaction, so its rows need no lease and take one row update
/// instead of two; a crash before the commit leaves nothing behind to reconcile.
/// </summary>
internal interface IInlineCarrier : ICarrier
{
    /// <summary>Submits a batch; one result per delivery. Must not block, do I/O or touch the store.</summary>
    IReadOnlyList<SubmitResult> SubmitInline(IReadOnlyList<ClaimedDelivery> batch);
}

/// <summary>Which carrier serves which environment: test keys never reach a live route.</summary>
internal sealed class CarrierRouter(IEnumerable<ICarrier> carriers, Microsoft.Extensions.Options.IOptions<Configuration.ServerOptions> options)
{
    private readonly Dictionary<string, ICarrier> _byName = carriers.Where(c => c.IsConfigured).ToDictionary(c => c.Name, StringComparer.Ordinal);

    /// <summary>Every registered carrier.</summary>
    public IEnumerable<ICarrier> All => _byName.Values;

    /// <summary>The carrier for an environment: the sandbox for <c>test</c>, the configured live route for <c>live</c> (null when none is configured).</summary>
    public ICarrier? For(string environment) => ForCore(environment);

    /// <summary>The environment's carrier when it is ready and submits in process (see <see cref="IInlineCarrier"/>).</summary>
    public IInlineCarrier? InlineFor(string environment) => ForCore(environment) is IInlineCarrier { IsReady: true } inline ? inline : null;

    private ICarrier? ForCore(string environment) =>
        environment == "test"
            ? _byName.GetValueOrDefault("sandbox")
            : _byName.GetValueOrDefault(options.Value.EffectiveLiveCarrier ?? string.Empty);
}
