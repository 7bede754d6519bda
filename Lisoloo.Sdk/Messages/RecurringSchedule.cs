using System.Globalization;
using System.Text.Json.Serialization;

namespace Lisoloo.Sdk;

/// <summary>
/// A recurrence: every <see cref="Interval"/> days, weeks, months or years from <see cref="StartDate"/> to <see cref="EndDate"/>
/// (both inclusive), at each of <see cref="Times"/>.
/// </summary>
/// <param name="StartDate">First eligible date, <c>YYYY-MM-DD</c>.</param>
/// <param name="EndDate">Last eligible date, <c>YYYY-MM-DD</c> (inclusive).</param>
/// <param name="Frequency">Daily, weekly, monthly or yearly.</param>
/// <param name="Times">1–24 times of day, <c>HH:mm</c>.</param>
public sealed record RecurringSchedule(string StartDate, string EndDate, RecurrenceFrequency Frequency, IReadOnlyList<string> Times)
{
    /// <summary>Gets the step between eligible periods (≥ 1; 2 means every other day, week, month or year).</summary>
    public int Interval { get; init; } = 1;

    /// <summary>Gets the weekdays of a weekly schedule; the start date's weekday when <see langword="null"/>.</summary>
    public IReadOnlyList<DayOfWeek>? DaysOfWeek { get; init; }

    /// <summary>Gets the IANA time zone the dates and times are in; UTC when <see langword="null"/>.</summary>
    [JsonPropertyName("timezone")]
    public string? TimeZone { get; init; }

    /// <summary>Creates a schedule from <see cref="DateTime"/> dates (their time of day is ignored).</summary>
    /// <param name="startDate">First eligible date.</param>
    /// <param name="endDate">Last eligible date (inclusive).</param>
    /// <param name="frequency">Daily, weekly, monthly or yearly.</param>
    /// <param name="times">1–24 times of day, <c>HH:mm</c>.</param>
    /// <returns>The schedule.</returns>
    public static RecurringSchedule Between(DateTime startDate, DateTime endDate, RecurrenceFrequency frequency, params string[] times)
        => new(
            startDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            endDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            frequency,
            times);
}
