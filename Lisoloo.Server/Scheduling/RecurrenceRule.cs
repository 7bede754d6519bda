using Lisoloo.Sdk;

namespace Lisoloo.Server.Scheduling;

/// <summary>A validated recurring schedule.</summary>
/// <param name="Start">First eligible date.</param>
/// <param name="End">Last eligible date, inclusive.</param>
/// <param name="Frequency">Daily, weekly, monthly or yearly.</param>
/// <param name="Interval">Step between eligible periods, ≥ 1.</param>
/// <param name="Times">Distinct times of day, ascending.</param>
/// <param name="DaysOfWeek">Weekly only: the weekdays; <see langword="null"/> for the start date's weekday.</param>
/// <param name="Zone">The zone the dates and times are in.</param>
internal sealed record RecurrenceRule(
    DateOnly Start,
    DateOnly End,
    RecurrenceFrequency Frequency,
    int Interval,
    IReadOnlyList<TimeOnly> Times,
    IReadOnlyList<DayOfWeek>? DaysOfWeek,
    TimeZoneInfo Zone);
