namespace Lisoloo.Server.Storage;

/// <summary>An API key as the request pipeline needs it (never the cleartext, never the secrets).</summary>
internal sealed record ApiKeyInfo(
    long KeyId,
    long AccountId,
    string Merchant,
    string Environment,
    string Prefix,
    string Currency,
    long UnitPriceMicros,
    string? DefaultSender,
    string? WebhookUrl,
    string? WebhookEvents,
    bool WebhookDisabled,
    int? SendPerMinute,
    int? StatusPerMinute,
    int? BalancePerMinute,
    int? CalculatePerMinute)
{
    public bool IsLive => Environment == "live";
}

/// <summary>An operator's view of a key (for <c>keys list</c>): no hash, no secrets.</summary>
internal sealed record ApiKeyListing(
    long KeyId,
    string Merchant,
    string Environment,
    string Prefix,
    long CreatedAt,
    long? RevokedAt,
    string? WebhookUrl,
    string? WebhookEvents,
    long? WebhookDisabledAt);

/// <summary>What <c>keys create</c> stores.</summary>
internal sealed record NewApiKey(
    string Merchant,
    string Environment,
    byte[] KeyHash,
    string Prefix,
    long BalanceMicros,
    long UnitPriceMicros,
    string Currency,
    byte[] WebhookSecretEncrypted,
    string? WebhookUrl,
    string? WebhookUser,
    byte[]? WebhookPasswordEncrypted,
    string? WebhookEvents,
    string? DefaultSender,
    int? SendPerMinute);

/// <summary>An account's money, in micros.</summary>
internal sealed record AccountBalance(long AccountId, string Merchant, string Environment, long BalanceMicros, long ReservedMicros, long UnitPriceMicros, string Currency);

/// <summary>A validated, priced send ready to be stored in one write.</summary>
internal sealed record NewSend(
    string MessageId,
    string SendingType,
    string Body,
    string? SenderId,
    string Encoding,
    int Segments,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<long> OccurrencesAt,
    long CostMicros,
    string? CallbackUrl,
    string? TimeZone,
    string? ScheduleJson,
    int CancelWithinSeconds);

/// <summary>The idempotency part of an accept: the caller's key and the hash of the raw body.</summary>
internal sealed record IdempotencyRequest(string Key, byte[] RequestHash);

/// <summary>The outcome of an idempotent request (an accept or an action): the response recorded for it, fresh or replayed.</summary>
internal sealed record AcceptOutcome(RecordedResponse Response, bool Replayed);

/// <summary>A delivery claimed for hand-off to a carrier.</summary>
internal sealed record ClaimedDelivery(long DeliveryId, long SendId, string MessageId, string Recipient, string Body, string? SenderId, string Encoding, int Segments, string Environment, long CostMicros, long AccountId)
{
    /// <summary>The occurrence this delivery belongs to.</summary>
    public int Seq { get; init; } = 1;

    /// <summary>Parts (1-based) a carrier already acknowledged on an earlier attempt: never submitted again.</summary>
    public IReadOnlyCollection<int> AckedParts { get; init; } = [];

    /// <summary>Which hand-off attempt this claim is (1 for the first); a temporary refusal on the last allowed one fails the message (1519).</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>The dispatcher's lease on this row (null outside the dispatcher): a carrier checks it right before the message goes on the wire.</summary>
    public IDeliveryLease? Lease { get; init; }

    /// <summary>True unless the lease on this row ran out as this node counts it (another node may have claimed it).</summary>
    public bool LeaseHeld => Lease?.Holds(DeliveryId) ?? true;
}

/// <summary>A lease on claimed rows, as the node that holds it counts it.</summary>
internal interface IDeliveryLease
{
    /// <summary>True while <paramref name="deliveryId"/> may still go on the wire from this node.</summary>
    bool Holds(long deliveryId);
}

/// <summary>
/// One dispatcher claim: the rows leased for an asynchronous carrier (<paramref name="ToSubmit"/>), how many rows were
/// claimed in all, and per in-process carrier how many of them it already took or refused (<paramref name="Inline"/>).
/// </summary>
internal sealed record DeliveryClaim(IReadOnlyList<ClaimedDelivery> ToSubmit, int Claimed, IReadOnlyList<(string Carrier, int Sent, int Refused)> Inline)
{
    public static readonly DeliveryClaim None = new([], 0, []);
}

/// <summary>What a carrier said about one submitted delivery.</summary>
/// <param name="DeliveryId">The delivery row.</param>
/// <param name="Accepted">True when the carrier took the message (state <c>sent</c>).</param>
/// <param name="CarrierRef">The carrier's message id.</param>
/// <param name="ErrorCode">Why it was refused, when it was.</param>
/// <param name="ErrorMessage">Human text for the refusal.</param>
/// <param name="ReceiptState">A receipt the carrier announces now (sandbox) to apply at <paramref name="ReceiptAt"/>.</param>
/// <param name="ReceiptAt">When the announced receipt is due (unix ms).</param>
/// <param name="Retryable">A refusal that should be tried again later rather than failing the message.</param>
internal sealed record SubmitResult(long DeliveryId, bool Accepted, string? CarrierRef, int? ErrorCode, string? ErrorMessage, string? ReceiptState, long ReceiptAt, bool Retryable = false)
{
    /// <summary>
    /// Parts the carrier acknowledged, each with its own carrier message id (SMPP); receipts are matched by them. Stored
    /// for accepted results, and for retryable ones too, so the acknowledged parts are not submitted again.
    /// </summary>
    public IReadOnlyList<CarrierPart>? Parts { get; init; }

    /// <summary>The route the parts went through (SMPP: the connection's receipt scope, one per SMSC account): their ids are unique per route.</summary>
    public string? Route { get; init; }

    /// <summary>
    /// A retryable result for a message none of whose parts went on the wire because the server was stopping: due again
    /// at once (on any node, or after the restart) rather than after <c>Workers:RetryDelay</c>.
    /// </summary>
    public bool RetryNow { get; init; }

    /// <summary>
    /// What the carrier keeps taken until this result is stored (SMPP: the connection's unrecorded-parts slots); the
    /// dispatcher disposes it once the store has the result, or has failed to take it.
    /// </summary>
    public IDisposable? Hold { get; init; }

    /// <summary>The carrier's own words for a refusal (SMPP: the <c>command_status</c> name, e.g. <c>ESME_RINVDSTADR</c>), kept as <c>carrier_error</c>.</summary>
    public string? CarrierError { get; init; }

    /// <summary>
    /// When an accepted row is next due (its <c>due_at</c> in <c>sent</c>): the announced receipt's time (sandbox), the
    /// receipt deadline a carrier that reports later gave in <see cref="ReceiptAt"/> without a receipt state (SMPP),
    /// else never.
    /// </summary>
    public long SentDueAt => ReceiptState is not null || ReceiptAt > 0 ? ReceiptAt : long.MaxValue;

    /// <summary>
    /// The lease on the row ran out before (some of) it went on the wire, so this node gave it up: nothing about the row
    /// changes but its acknowledged <see cref="Parts"/>, stored so that no claim submits them again.
    /// </summary>
    public bool LeaseLost { get; init; }
}

/// <summary>One acknowledged part of a message: its number (1-based) of <paramref name="Parts"/>, and the id the carrier gave it (normalised).</summary>
internal sealed record CarrierPart(int Part, int Parts, string CarrierId)
{
    /// <summary>The id exactly as the carrier wrote it (before normalisation), for asking about the part later (<c>query_sm</c>); null when it is <see cref="CarrierId"/>.</summary>
    public string? RawId { get; init; }
}

/// <summary>A delivery handed to a carrier that reports later, whose receipt deadline passed with no final receipt (leased to the caller).</summary>
/// <param name="DeliveryId">The delivery row.</param>
/// <param name="Recipient">Its destination (E.164).</param>
/// <param name="SenderId">The sender id it was submitted with, if any (a query names the message by it).</param>
/// <param name="Parts">Its parts, as stored.</param>
internal sealed record OverdueDelivery(long DeliveryId, string Recipient, string? SenderId, IReadOnlyList<OverduePart> Parts);

/// <summary>One stored part of an <see cref="OverdueDelivery"/>: its route, its id (normalised, and as written), and its state.</summary>
internal sealed record OverduePart(string Route, string SmscId, string? RawId, string State);

/// <summary>
/// A receipt for one part, from a carrier that reports outcomes later (SMPP): the forms its id may take (see
/// <c>SmscMessageId.Candidates</c>, the stored form first), the state it maps to, and the carrier's words for it.
/// </summary>
internal sealed record PartReceipt(IReadOnlyList<string> Candidates, string State, string? Detail);

/// <summary>How a batch of part receipts was applied.</summary>
/// <param name="Matched">Receipts whose part was found.</param>
/// <param name="Held">Receipts whose part is not stored yet: kept, and applied when it is.</param>
/// <param name="Transitions">Delivery state changes they caused.</param>
internal readonly record struct ReceiptApplyCounts(int Matched, int Held, int Transitions);

/// <summary>One inbound (MO) message or part of one, as the carrier delivered it.</summary>
/// <param name="Route">The connection it came on.</param>
/// <param name="Source">The sender (as the SMSC wrote it).</param>
/// <param name="Destination">The number or short code it was sent to.</param>
/// <param name="Text">The decoded text of this part.</param>
/// <param name="Reference">The concatenation reference, when it is one part of several.</param>
/// <param name="Total">How many parts the message has (1 when single).</param>
/// <param name="Sequence">This part's number (1-based).</param>
internal sealed record InboundPart(string Route, string Source, string Destination, string Text, int? Reference, int Total, int Sequence);

/// <summary>An outbox event claimed for delivery.</summary>
internal sealed record ClaimedEvent(long Id, string EventId, long KeyId, string TargetUrl, string Type, byte[] Payload, int Attempts, bool LiveKey, string? WebhookUser, byte[]? WebhookPasswordEncrypted, byte[] WebhookSecretEncrypted, bool FromKeyWebhook)
{
    /// <summary>The previous secret while a rotation's overlap lasts: deliveries are signed with both.</summary>
    public byte[]? PreviousSecretEncrypted { get; init; }
}

/// <summary>How an event delivery attempt ended.</summary>
internal enum EventAttemptOutcome
{
    /// <summary>2xx: done.</summary>
    Delivered,

    /// <summary>Try again at the given time.</summary>
    Retry,

    /// <summary>Out of attempts, or a permanent refusal.</summary>
    Failed,

    /// <summary>410 Gone: the key's webhook URL is disabled.</summary>
    Gone,
}

/// <summary>The result of one event delivery attempt.</summary>
internal sealed record EventAttempt(long Id, EventAttemptOutcome Outcome, int? HttpStatus, string? Error, long NextAttemptAt);

/// <summary>A send as <c>GET /status</c> shows it.</summary>
internal sealed record SendView(
    long SendId,
    string MessageId,
    string SendingType,
    string State,
    string Encoding,
    int Segments,
    string? SenderId,
    int TotalRecipients,
    int TotalMessages,
    long TotalCostMicros,
    long RefundedMicros,
    string Currency,
    long CreatedAt,
    IReadOnlyList<OccurrenceView> Occurrences,
    IReadOnlyList<DeliveryView> Deliveries,
    IReadOnlyList<string> Recipients)
{
    /// <summary>When the first (for immediate sends: the only) occurrence is due, unix ms.</summary>
    public long FirstSendAt { get; init; }
}

/// <summary>One occurrence of a send.</summary>
internal sealed record OccurrenceView(int Seq, long DueAt, string State);

/// <summary>One recipient of one occurrence.</summary>
internal sealed record DeliveryView(int Seq, string Recipient, string State, int? ErrorCode, string? ErrorMessage, long UpdatedAt, IReadOnlyList<(string State, long At)> Stages)
{
    /// <summary>The carrier's own words for the outcome (a receipt's <c>stat:</c>/<c>err:</c>, an SMPP status), when it gave any.</summary>
    public string? CarrierError { get; init; }
}

/// <summary>The answer of cancel, pause or resume.</summary>
internal sealed record ActionOutcome(string Status, int RefundedMessages, long RefundedMicros, string Currency, int? SkippedOccurrences);
