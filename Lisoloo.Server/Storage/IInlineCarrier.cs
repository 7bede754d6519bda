namespace Lisoloo.Server.Storage;

/// <summary>
/// The one carrier call a store makes inside its own transaction: a carrier that decides in process, synchronously and
/// with no effect outside this process (the sandbox). The dispatcher's claim submits to it in the claim's transaction,
/// so its rows go pending → sent in one row update and need no lease, and a crash before the commit leaves nothing
/// behind to reconcile. Every other carrier (SMPP) is called by the workers, outside any transaction. Why this
/// exception exists, with its measurement: docs/server-design.md, "in-process carriers".
/// </summary>
internal interface IInlineCarrier
{
    /// <summary>Gets the name stored with each delivery (<c>sandbox</c>).</summary>
    string Name { get; }

    /// <summary>Submits a batch; one result per delivery, in order. Must not block, do I/O or touch the store.</summary>
    IReadOnlyList<SubmitResult> SubmitInline(IReadOnlyList<ClaimedDelivery> batch);
}
