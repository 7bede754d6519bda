namespace Lisoloo.Sdk;

/// <summary>
/// The Lisoloo v1 error catalogue. Codes never change meaning; new ones may be added within their family.
/// The reference server answers with these codes and the SDK exposes them on <see cref="LisolooApiException.ErrorCode"/>.
/// </summary>
/// <remarks>
/// Families: 1001–1099 authentication, 1100–1199 request validation, 1200–1299 balance and billing,
/// 1300–1399 rate limiting, 1400–1499 message state, 1500–1599 server and carrier.
/// </remarks>
public static class LisolooErrorCodes
{
    // ---- 1001–1099 authentication -------------------------------------------------------------

    /// <summary>401: the <c>app-key</c> header is missing or empty.</summary>
    public const int MissingApiKey = 1001;

    /// <summary>401: the <c>app-key</c> header is not of the form <c>sk_test_…</c> or <c>sk_live_…</c>.</summary>
    public const int MalformedApiKey = 1002;

    /// <summary>401: the key is unknown or has been revoked.</summary>
    public const int InvalidApiKey = 1003;

    /// <summary>403: the key's environment (test or live) does not match the resource or the route.</summary>
    public const int WrongEnvironment = 1004;

    // ---- 1100–1199 request validation ---------------------------------------------------------

    /// <summary>400: one or more fields are invalid; see the <c>errors</c> list for each field.</summary>
    public const int ValidationFailed = 1100;

    /// <summary>400: the body is not valid JSON, or not a JSON object.</summary>
    public const int MalformedJson = 1101;

    /// <summary>400: <c>to</c> is missing or empty.</summary>
    public const int MissingRecipients = 1102;

    /// <summary>400: a recipient is not a valid E.164 number after normalisation (the field names its index, e.g. <c>to[3]</c>).</summary>
    public const int InvalidRecipient = 1103;

    /// <summary>400: more than 1,000 recipients after de-duplication.</summary>
    public const int TooManyRecipients = 1104;

    /// <summary>400: <c>message</c> is missing or empty.</summary>
    public const int EmptyMessage = 1105;

    /// <summary>400: <c>message</c> needs more than 10 segments.</summary>
    public const int MessageTooLong = 1106;

    /// <summary>400: <c>sender_id</c> is neither alphanumeric up to 11 characters nor numeric up to 15 digits.</summary>
    public const int InvalidSenderId = 1107;

    /// <summary>400: <c>sending_type</c> is not <c>immediate</c>, <c>scheduled</c> or <c>recurring</c>.</summary>
    public const int InvalidSendingType = 1108;

    /// <summary>400: <c>scheduled_dates</c> is missing, empty, has more than 100 entries, or an entry is malformed.</summary>
    public const int InvalidScheduledDates = 1109;

    /// <summary>400: a scheduled date or time is already past.</summary>
    public const int ScheduleInPast = 1110;

    /// <summary>400: a date is not <c>YYYY-MM-DD</c> or does not exist (February 30), or a time is not <c>HH:mm</c>.</summary>
    public const int InvalidDateOrTime = 1111;

    /// <summary>400: <c>recurring_schedule</c> is missing or malformed (e.g. end date before start date).</summary>
    public const int InvalidRecurringSchedule = 1112;

    /// <summary>400: <c>frequency</c> is not daily, weekly, monthly or yearly.</summary>
    public const int InvalidFrequency = 1113;

    /// <summary>400: <c>interval</c> is below 1 or not an integer.</summary>
    public const int InvalidInterval = 1114;

    /// <summary>400: <c>times</c> is empty, has more than 24 entries, or an entry is not <c>HH:mm</c>.</summary>
    public const int InvalidTimes = 1115;

    /// <summary>400: <c>timezone</c> is not a known IANA time zone.</summary>
    public const int InvalidTimeZone = 1116;

    /// <summary>400: the schedule expands to more occurrences than one send may have.</summary>
    public const int TooManyOccurrences = 1117;

    /// <summary>400: <c>callback_url</c> is not an absolute https URL (http only in the sandbox and on loopback), or points at a private address.</summary>
    public const int InvalidCallbackUrl = 1118;

    /// <summary>400: a field has the wrong JSON type (e.g. a number where a string is expected).</summary>
    public const int InvalidFieldType = 1119;

    /// <summary>413: the request body is larger than the server accepts.</summary>
    public const int PayloadTooLarge = 1120;

    /// <summary>415: the request body is not <c>application/json</c>.</summary>
    public const int UnsupportedMediaType = 1121;

    /// <summary>400: <c>days_of_week</c> is malformed or given for a frequency other than weekly.</summary>
    public const int InvalidDaysOfWeek = 1122;

    /// <summary>400: <c>cancel_within</c> is not a whole number of seconds from 0 to 60, or is given for a non-immediate send.</summary>
    public const int InvalidCancelWithin = 1123;

    /// <summary>400: the <c>/calculate</c> budget is missing, negative or not a number.</summary>
    public const int InvalidBudget = 1124;

    /// <summary>400: a text field contains control characters or unpaired surrogates.</summary>
    public const int InvalidCharacters = 1125;

    /// <summary>400: the <c>Idempotency-Key</c> header is empty or longer than 255 characters.</summary>
    public const int InvalidIdempotencyKey = 1126;

    /// <summary>400: a message id is not 24 lowercase hexadecimal characters.</summary>
    public const int InvalidMessageId = 1127;

    // ---- 1200–1299 balance and billing --------------------------------------------------------

    /// <summary>402: the balance cannot cover the whole send; nothing was debited. Details carry the required and available amounts.</summary>
    public const int InsufficientBalance = 1201;

    // ---- 1300–1399 rate limiting --------------------------------------------------------------

    /// <summary>429: the key's per-minute limit for this endpoint is reached; see <c>Retry-After</c> and <c>X-RateLimit-*</c>.</summary>
    public const int RateLimitExceeded = 1301;

    // ---- 1400–1499 message state --------------------------------------------------------------

    /// <summary>404: no such message for this key (also for another merchant's message).</summary>
    public const int MessageNotFound = 1401;

    /// <summary>409: the message cannot be cancelled in its current state (everything already reached the carrier).</summary>
    public const int CannotCancel = 1402;

    /// <summary>409: the message cannot be paused in its current state (only scheduled or recurring sends with future occurrences).</summary>
    public const int CannotPause = 1403;

    /// <summary>409: the message cannot be resumed in its current state (only paused sends).</summary>
    public const int CannotResume = 1404;

    /// <summary>409: the <c>Idempotency-Key</c> was already used with a different request body.</summary>
    public const int IdempotencyKeyReused = 1405;

    /// <summary>409: a request with the same <c>Idempotency-Key</c> is still being processed; retry shortly.</summary>
    public const int IdempotencyKeyInProgress = 1406;

    // ---- 1500–1599 server and carrier ---------------------------------------------------------

    /// <summary>500: an unexpected server error; nothing was debited.</summary>
    public const int InternalError = 1501;

    /// <summary>503: no carrier route is available right now; retry later. On a <c>queued</c> status row: the carrier could not take the message right now, and it is tried again.</summary>
    public const int CarrierUnavailable = 1502;

    /// <summary>422: no carrier route covers a destination (the field names the recipient).</summary>
    public const int DestinationNotCovered = 1503;

    /// <summary>503: the server is starting or stopping, or its store cannot be reached or written; nothing was done, so the same request may be retried after <c>Retry-After</c>.</summary>
    public const int ServiceUnavailable = 1504;

    /// <summary>404: the route or method does not exist in v1.</summary>
    public const int EndpointNotFound = 1505;

    // ---- 1510–1549 delivery outcomes (on status rows and webhooks, never as an HTTP answer) -----
    // Each carries the carrier's own words, when it gave any, in carrier_error (e.g. "stat:UNDELIV err:001").

    /// <summary>Delivery outcome <c>undelivered</c>: the carrier could not deliver the message to the handset (receipt <c>UNDELIV</c>). Charged.</summary>
    public const int Undelivered = 1510;

    /// <summary>Delivery outcome <c>expired</c>: the message's validity period ended before the handset could be reached (receipt <c>EXPIRED</c>). Charged.</summary>
    public const int Expired = 1511;

    /// <summary>Delivery outcome <c>rejected</c>: the carrier or the network rejected the message after accepting it (receipt <c>REJECTD</c>). Charged.</summary>
    public const int RejectedByCarrier = 1512;

    /// <summary>Delivery outcome <c>failed</c>: the carrier deleted the message before it reached the handset (receipt <c>DELETED</c>). Charged.</summary>
    public const int DeletedByCarrier = 1513;

    /// <summary>Delivery outcome <c>unknown</c>: the carrier reported that it does not know what became of the message (receipt <c>UNKNOWN</c>); a later receipt may still settle it. Charged.</summary>
    public const int DeliveryUnknown = 1514;

    /// <summary>Delivery outcome <c>unknown</c>: no final receipt came within the route's receipt deadline, and the carrier could not say more when asked (<c>query_sm</c>). Charged.</summary>
    public const int NoReceipt = 1515;

    /// <summary>Delivery outcome <c>failed</c>: the carrier refused the destination number at submit (SMPP <c>ESME_RINVDSTADR</c> and kin). Refunded.</summary>
    public const int InvalidDestination = 1516;

    /// <summary>Delivery outcome <c>failed</c>: the carrier refused the sender id at submit (SMPP <c>ESME_RINVSRCADR</c> and kin). Refunded.</summary>
    public const int InvalidSender = 1517;

    /// <summary>Delivery outcome <c>failed</c>: the carrier refused the message at submit for another reason, named in <c>carrier_error</c>. Refunded.</summary>
    public const int RefusedByCarrier = 1518;

    /// <summary>Delivery outcome <c>failed</c>: the carrier kept answering "not now" (throttled, queue full, a temporary error) past the retry limit. Refused, so refunded.</summary>
    public const int RefusedAfterRetries = 1519;

    /// <summary>
    /// Gets the catalogue's short name for a code, e.g. <c>InsufficientBalance</c> for 1201, or <see langword="null"/> for an unknown code.
    /// </summary>
    /// <param name="code">The error code.</param>
    /// <returns>The constant's name, or <see langword="null"/>.</returns>
    public static string? GetName(int code) => code switch
    {
        MissingApiKey => nameof(MissingApiKey),
        MalformedApiKey => nameof(MalformedApiKey),
        InvalidApiKey => nameof(InvalidApiKey),
        WrongEnvironment => nameof(WrongEnvironment),
        ValidationFailed => nameof(ValidationFailed),
        MalformedJson => nameof(MalformedJson),
        MissingRecipients => nameof(MissingRecipients),
        InvalidRecipient => nameof(InvalidRecipient),
        TooManyRecipients => nameof(TooManyRecipients),
        EmptyMessage => nameof(EmptyMessage),
        MessageTooLong => nameof(MessageTooLong),
        InvalidSenderId => nameof(InvalidSenderId),
        InvalidSendingType => nameof(InvalidSendingType),
        InvalidScheduledDates => nameof(InvalidScheduledDates),
        ScheduleInPast => nameof(ScheduleInPast),
        InvalidDateOrTime => nameof(InvalidDateOrTime),
        InvalidRecurringSchedule => nameof(InvalidRecurringSchedule),
        InvalidFrequency => nameof(InvalidFrequency),
        InvalidInterval => nameof(InvalidInterval),
        InvalidTimes => nameof(InvalidTimes),
        InvalidTimeZone => nameof(InvalidTimeZone),
        TooManyOccurrences => nameof(TooManyOccurrences),
        InvalidCallbackUrl => nameof(InvalidCallbackUrl),
        InvalidFieldType => nameof(InvalidFieldType),
        PayloadTooLarge => nameof(PayloadTooLarge),
        UnsupportedMediaType => nameof(UnsupportedMediaType),
        InvalidDaysOfWeek => nameof(InvalidDaysOfWeek),
        InvalidCancelWithin => nameof(InvalidCancelWithin),
        InvalidBudget => nameof(InvalidBudget),
        InvalidCharacters => nameof(InvalidCharacters),
        InvalidIdempotencyKey => nameof(InvalidIdempotencyKey),
        InvalidMessageId => nameof(InvalidMessageId),
        InsufficientBalance => nameof(InsufficientBalance),
        RateLimitExceeded => nameof(RateLimitExceeded),
        MessageNotFound => nameof(MessageNotFound),
        CannotCancel => nameof(CannotCancel),
        CannotPause => nameof(CannotPause),
        CannotResume => nameof(CannotResume),
        IdempotencyKeyReused => nameof(IdempotencyKeyReused),
        IdempotencyKeyInProgress => nameof(IdempotencyKeyInProgress),
        InternalError => nameof(InternalError),
        CarrierUnavailable => nameof(CarrierUnavailable),
        DestinationNotCovered => nameof(DestinationNotCovered),
        ServiceUnavailable => nameof(ServiceUnavailable),
        EndpointNotFound => nameof(EndpointNotFound),
        Undelivered => nameof(Undelivered),
        Expired => nameof(Expired),
        RejectedByCarrier => nameof(RejectedByCarrier),
        DeletedByCarrier => nameof(DeletedByCarrier),
        DeliveryUnknown => nameof(DeliveryUnknown),
        NoReceipt => nameof(NoReceipt),
        InvalidDestination => nameof(InvalidDestination),
        InvalidSender => nameof(InvalidSender),
        RefusedByCarrier => nameof(RefusedByCarrier),
        RefusedAfterRetries => nameof(RefusedAfterRetries),
        _ => null,
    };
}
