namespace Lisoloo.Sdk;

/// <summary>
/// An immediate send of one message to 1–1,000 recipients, for <see cref="LisolooClient.SendAsync(SendRequest, System.Threading.CancellationToken)"/>.
/// </summary>
/// <param name="To">Recipients in E.164 form; spaces, dashes, dots and parentheses are stripped, duplicates count once.</param>
/// <param name="Message">The text; at most 10 segments (see <c>SmsSegments</c>).</param>
public sealed record SendRequest(IReadOnlyList<string> To, string Message)
{
    /// <summary>Gets the sender id: alphanumeric up to 11 characters, or numeric up to 15 digits. The account's default when <see langword="null"/>.</summary>
    public string? SenderId { get; init; }

    /// <summary>Gets the URL that receives this send's webhook events instead of the key's webhook.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>
    /// Gets the cancel window: the server holds the send this long (whole seconds, at most 60) before carrier hand-off,
    /// so that <see cref="LisolooClient.CancelAsync"/> can still stop it.
    /// </summary>
    public TimeSpan? CancelWithin { get; init; }

    /// <summary>
    /// Gets the idempotency key sent with the request, verbatim, on every attempt: 1–255 printable ASCII characters without
    /// leading or trailing spaces (e.g. your order id). A fresh one is generated per call when <see langword="null"/>.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>
/// A send at one or more set dates and times, for <see cref="LisolooClient.ScheduleAsync"/>.
/// Each date is one send of the message to every recipient.
/// </summary>
/// <param name="To">Recipients in E.164 form.</param>
/// <param name="Message">The text; at most 10 segments.</param>
/// <param name="Dates">1–100 future moments.</param>
public sealed record ScheduleRequest(IReadOnlyList<string> To, string Message, IReadOnlyList<ScheduledDate> Dates)
{
    /// <summary>Gets the sender id; the account's default when <see langword="null"/>.</summary>
    public string? SenderId { get; init; }

    /// <summary>Gets the URL that receives this send's webhook events instead of the key's webhook.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>Gets the IANA time zone of every date that does not name its own (UTC when <see langword="null"/>).</summary>
    public string? TimeZone { get; init; }

    /// <summary>
    /// Gets the idempotency key sent with the request, verbatim, on every attempt: 1–255 printable ASCII characters without
    /// leading or trailing spaces (e.g. your order id). A fresh one is generated per call when <see langword="null"/>.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}

/// <summary>
/// A send on a recurring schedule, for <see cref="LisolooClient.RecurringAsync"/>. Every occurrence is billed at submit.
/// </summary>
/// <param name="To">Recipients in E.164 form.</param>
/// <param name="Message">The text; at most 10 segments.</param>
/// <param name="Schedule">The recurrence.</param>
public sealed record RecurringRequest(IReadOnlyList<string> To, string Message, RecurringSchedule Schedule)
{
    /// <summary>Gets the sender id; the account's default when <see langword="null"/>.</summary>
    public string? SenderId { get; init; }

    /// <summary>Gets the URL that receives this send's webhook events instead of the key's webhook.</summary>
    public Uri? CallbackUrl { get; init; }

    /// <summary>
    /// Gets the idempotency key sent with the request, verbatim, on every attempt: 1–255 printable ASCII characters without
    /// leading or trailing spaces (e.g. your order id). A fresh one is generated per call when <see langword="null"/>.
    /// </summary>
    public string? IdempotencyKey { get; init; }
}
