using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Lisoloo.Sdk;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Lisoloo.Server.Api;

/// <summary>Documentation shapes of the wire (the handlers parse bodies field by field, see <c>SendParser</c>).</summary>
internal static class WireDocs
{
    /// <summary>The recipients: an array of phone numbers, or one number as a bare string.</summary>
    internal readonly struct Recipients;

    /// <summary>How the message is sent; <c>instant</c> is an alias of <c>immediate</c>, and absent means immediate unless a schedule is given.</summary>
    internal readonly struct RequestedSendingType;

    /// <summary>The body of <c>POST /send</c>.</summary>
    internal sealed class SendBody
    {
        [JsonPropertyName("to")]
        public required Recipients To { get; init; }

        [JsonPropertyName("message")]
        public required string Message { get; init; }

        [JsonPropertyName("sender_id")]
        public string? SenderId { get; init; }

        [JsonPropertyName("sending_type")]
        public RequestedSendingType? SendingType { get; init; }

        [JsonPropertyName("callback_url")]
        public string? CallbackUrl { get; init; }

        [JsonPropertyName("cancel_within")]
        public int? CancelWithin { get; init; }

        [JsonPropertyName("timezone")]
        public string? TimeZone { get; init; }

        [JsonPropertyName("scheduled_dates")]
        public IReadOnlyList<ScheduledDateBody>? ScheduledDates { get; init; }

        [JsonPropertyName("recurring_schedule")]
        public RecurringBody? RecurringSchedule { get; init; }
    }

    /// <summary>One scheduled date.</summary>
    internal sealed class ScheduledDateBody
    {
        [JsonPropertyName("date")]
        public required string Date { get; init; }

        [JsonPropertyName("time")]
        public required string Time { get; init; }

        [JsonPropertyName("timezone")]
        public string? TimeZone { get; init; }
    }

    /// <summary>A recurring schedule.</summary>
    internal sealed class RecurringBody
    {
        [JsonPropertyName("start_date")]
        public required string StartDate { get; init; }

        [JsonPropertyName("end_date")]
        public required string EndDate { get; init; }

        [JsonPropertyName("frequency")]
        public required RecurrenceFrequency Frequency { get; init; }

        [JsonPropertyName("interval")]
        public int? Interval { get; init; }

        [JsonPropertyName("times")]
        public required IReadOnlyList<string> Times { get; init; }

        [JsonPropertyName("days_of_week")]
        public IReadOnlyList<string>? DaysOfWeek { get; init; }

        [JsonPropertyName("timezone")]
        public string? TimeZone { get; init; }
    }

    /// <summary>The body of <c>POST /calculate</c>: a budget, or a would-be send.</summary>
    internal sealed class CalculateBody
    {
        [JsonPropertyName("budget")]
        public decimal? Budget { get; init; }

        [JsonPropertyName("message")]
        public string? Message { get; init; }

        [JsonPropertyName("to")]
        public Recipients? To { get; init; }

        [JsonPropertyName("sender_id")]
        public string? SenderId { get; init; }

        [JsonPropertyName("sending_type")]
        public RequestedSendingType? SendingType { get; init; }

        [JsonPropertyName("scheduled_dates")]
        public IReadOnlyList<ScheduledDateBody>? ScheduledDates { get; init; }

        [JsonPropertyName("recurring_schedule")]
        public RecurringBody? RecurringSchedule { get; init; }
    }

    /// <summary>The success envelope.</summary>
    internal sealed class Success<T>
    {
        [JsonPropertyName("status_code")]
        public required int StatusCode { get; init; }

        [JsonPropertyName("data")]
        public required T Data { get; init; }

        [JsonPropertyName("request_id")]
        public required string RequestId { get; init; }
    }

    /// <summary>The error envelope.</summary>
    internal sealed class Error
    {
        [JsonPropertyName("status_code")]
        public required int StatusCode { get; init; }

        [JsonPropertyName("error_code")]
        public required int ErrorCode { get; init; }

        [JsonPropertyName("message")]
        public required string Message { get; init; }

        [JsonPropertyName("errors")]
        public IReadOnlyList<FieldErrorBody>? Errors { get; init; }

        [JsonPropertyName("request_id")]
        public required string RequestId { get; init; }
    }

    /// <summary>One field at fault.</summary>
    internal sealed class FieldErrorBody
    {
        [JsonPropertyName("field")]
        public required string Field { get; init; }

        [JsonPropertyName("error_code")]
        public required int ErrorCode { get; init; }

        [JsonPropertyName("message")]
        public required string Message { get; init; }
    }
}
