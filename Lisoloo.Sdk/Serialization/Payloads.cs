using System.Text.Json.Serialization;

namespace Lisoloo.Sdk;

/// <summary>The wire body of <c>POST /send</c> and <c>POST /calculate</c> (snake_case; nulls omitted).</summary>
internal sealed record SendPayload
{
    public decimal? Budget { get; init; }

    public IReadOnlyList<string>? To { get; init; }

    public string? Message { get; init; }

    public string? SenderId { get; init; }

    public SendingType? SendingType { get; init; }

    public string? CallbackUrl { get; init; }

    public int? CancelWithin { get; init; }

    public IReadOnlyList<ScheduledDate>? ScheduledDates { get; init; }

    public RecurringSchedule? RecurringSchedule { get; init; }
}

/// <summary>Builds wire bodies from the public request types.</summary>
internal static class Payloads
{
    public static SendPayload From(SendRequest request) => new()
    {
        To = request.To,
        Message = request.Message,
        SenderId = request.SenderId,
        SendingType = SendingType.Immediate,
        CallbackUrl = request.CallbackUrl?.AbsoluteUri,
        CancelWithin = request.CancelWithin is { } window ? checked((int)Math.Ceiling(window.TotalSeconds)) : null,
    };

    public static SendPayload From(ScheduleRequest request) => new()
    {
        To = request.To,
        Message = request.Message,
        SenderId = request.SenderId,
        SendingType = SendingType.Scheduled,
        CallbackUrl = request.CallbackUrl?.AbsoluteUri,
        ScheduledDates = ApplyTimeZone(request.Dates, request.TimeZone),
    };

    public static SendPayload From(RecurringRequest request) => new()
    {
        To = request.To,
        Message = request.Message,
        SenderId = request.SenderId,
        SendingType = SendingType.Recurring,
        CallbackUrl = request.CallbackUrl?.AbsoluteUri,
        RecurringSchedule = request.Schedule,
    };

    public static SendPayload From(CalculateRequest request) => new()
    {
        Budget = request.Budget,
        To = request.To,
        Message = request.Message,
        SenderId = request.SenderId,
        SendingType = request.SendingType,
        ScheduledDates = request.ScheduledDates,
        RecurringSchedule = request.RecurringSchedule,
    };

    /// <summary>Writes the request-wide zone onto each date that names none, so that the wire carries it per entry.</summary>
    public static IReadOnlyList<ScheduledDate>? ApplyTimeZone(IReadOnlyList<ScheduledDate>? dates, string? timeZone)
    {
        if (dates is null || timeZone is null)
        {
            return dates;
        }

        var result = new ScheduledDate[dates.Count];
        for (var i = 0; i < dates.Count; i++)
        {
            var date = dates[i];
            result[i] = date is { TimeZone: null } ? date with { TimeZone = timeZone } : date;
        }

        return result;
    }
}

/// <summary>The success envelope: <c>{"status_code": 201, "data": {...}}</c>.</summary>
/// <typeparam name="T">The data type.</typeparam>
internal sealed class ApiEnvelope<T>
    where T : class
{
    public int StatusCode { get; set; }

    public T? Data { get; set; }

    public string? RequestId { get; set; }
}

/// <summary>The error envelope.</summary>
internal sealed class ErrorEnvelope
{
    public int StatusCode { get; set; }

    public int? ErrorCode { get; set; }

    public string? Message { get; set; }

    public List<LisolooFieldError>? Errors { get; set; }

    public string? RequestId { get; set; }

    public ErrorDetails? Details { get; set; }
}

/// <summary>Extra facts of an error (insufficient balance: the amounts).</summary>
internal sealed class ErrorDetails
{
    public decimal? RequiredAmount { get; set; }

    public decimal? AvailableAmount { get; set; }

    public string? Currency { get; set; }
}
