using Lisoloo.Sdk;

namespace Lisoloo.Server.Sending;

/// <summary>A send request after validation: normalised recipients, counted segments, expanded schedule.</summary>
internal sealed record ParsedSend(
    string SendingType,
    IReadOnlyList<string> Recipients,
    IReadOnlyList<string> RecipientFields,
    int DuplicatesRemoved,
    string Message,
    SegmentInfo Segments,
    string? SenderId,
    string? CallbackUrl,
    int CancelWithinSeconds,
    IReadOnlyList<long> OccurrencesAt,
    int PastDropped,
    string? TimeZone,
    string? ScheduleJson);
