namespace Lisoloo.Server.Storage;

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
