namespace Lisoloo.Server.Scheduling;

/// <summary>
/// Expands recurring schedules into UTC instants. Monthly anchors on the start date's day and uses the month's last
/// day when that day does not exist (Jan 31 → Feb 28, Mar 31, Apr 30, …); yearly on Feb 29 uses Feb 28 in other years;
/// weekly steps whole weeks (Monday-based) from the start date's week; the end date is inclusive; occurrences at or
/// before <c>now</c> are dropped; daylight-saving gaps and overlaps follow <see cref="LocalTimeResolver"/>.
/// </summary>
internal static class Recurrence
{
    /// <summary>The most occurrences one send may have.</summary>
    public const int MaxOccurrences = 10_000;

    public static Expansion Expand(RecurrenceRule rule, DateTimeOffset now, int maxOccurrences = MaxOccurrences)
    {
        ArgumentNullException.ThrowIfNull(rule);
        if (rule.Interval < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(rule), "Interval must be at least 1.");
        }

        var result = new List<DateTimeOffset>();
        var past = 0;
        var tooMany = false;

        bool Add(DateOnly date)
        {
            foreach (var time in rule.Times)
            {
                var instant = LocalTimeResolver.Resolve(date, time, rule.Zone);
                if (instant <= now)
                {
                    past++;
                    continue;
                }

                if (result.Count == maxOccurrences)
                {
                    tooMany = true;
                    return false;
                }

                result.Add(instant);
            }

            return true;
        }

        foreach (var date in Dates(rule))
        {
            if (!Add(date))
            {
                break;
            }
        }

        // Gaps and overlaps can reorder instants of adjacent times by at most the DST shift: sort to be sure.
        result.Sort();
        return new Expansion(result, past, tooMany);
    }

    /// <summary>The eligible dates of a rule, ascending, within [Start, End].</summary>
    public static IEnumerable<DateOnly> Dates(RecurrenceRule rule)
    {
        var frequency = rule.Frequency.Value;
        switch (frequency)
        {
            case "daily":
                for (var d = rule.Start; d <= rule.End; d = AddDaysSafe(d, rule.Interval))
                {
                    yield return d;
                    if (d.DayNumber > DateOnly.MaxValue.DayNumber - rule.Interval)
                    {
                        yield break;
                    }
                }

                break;

            case "weekly":
                var days = (rule.DaysOfWeek is { Count: > 0 } chosen ? chosen : [rule.Start.DayOfWeek])
                    .Distinct()
                    .OrderBy(MondayIndex)
                    .ToArray();
                var weekStart = rule.Start.AddDays(-MondayIndex(rule.Start.DayOfWeek));
                for (var k = 0L; ; k++)
                {
                    var offset = k * 7 * rule.Interval;
                    if (weekStart.DayNumber + offset > rule.End.DayNumber)
                    {
                        yield break;
                    }

                    var week = weekStart.AddDays((int)offset);
                    foreach (var day in days)
                    {
                        var date = week.AddDays(MondayIndex(day));
                        if (date >= rule.Start && date <= rule.End)
                        {
                            yield return date;
                        }
                    }
                }

            case "monthly":
                for (var k = 0; ; k++)
                {
                    var months = (long)k * rule.Interval;
                    var monthIndex = (rule.Start.Year * 12L) + (rule.Start.Month - 1) + months;
                    var year = monthIndex / 12;
                    if (year > DateOnly.MaxValue.Year)
                    {
                        yield break;
                    }

                    var month = (int)(monthIndex % 12) + 1;
                    var day = Math.Min(rule.Start.Day, DateTime.DaysInMonth((int)year, month));
                    var date = new DateOnly((int)year, month, day);
                    if (date > rule.End)
                    {
                        yield break;
                    }

                    yield return date;
                }

            case "yearly":
                for (var k = 0; ; k++)
                {
                    var year = rule.Start.Year + ((long)k * rule.Interval);
                    if (year > DateOnly.MaxValue.Year)
                    {
                        yield break;
                    }

                    var day = Math.Min(rule.Start.Day, DateTime.DaysInMonth((int)year, rule.Start.Month));
                    var date = new DateOnly((int)year, rule.Start.Month, day);
                    if (date > rule.End)
                    {
                        yield break;
                    }

                    yield return date;
                }

            default:
                throw new ArgumentOutOfRangeException(nameof(rule), $"Unknown frequency '{frequency}'.");
        }
    }

    private static int MondayIndex(DayOfWeek day) => ((int)day + 6) % 7;

    private static DateOnly AddDaysSafe(DateOnly date, int days)
        => date.DayNumber > DateOnly.MaxValue.DayNumber - days ? DateOnly.MaxValue : date.AddDays(days);
}
