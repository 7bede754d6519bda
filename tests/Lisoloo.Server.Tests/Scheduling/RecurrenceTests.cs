using System.Globalization;
using Lisoloo.Sdk;
using Lisoloo.Server.Scheduling;

namespace Lisoloo.Server.Tests.Scheduling;

public sealed class RecurrenceTests
{
    private static readonly DateTimeOffset LongAgo = new(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RecurrenceRule Rule(string start, string end, RecurrenceFrequency frequency, int interval = 1, string[]? times = null, DayOfWeek[]? days = null, string zone = "UTC")
        => new(
            DateOnly.ParseExact(start, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            DateOnly.ParseExact(end, "yyyy-MM-dd", CultureInfo.InvariantCulture),
            frequency,
            interval,
            (times ?? ["09:00"]).Select(t => TimeOnly.ParseExact(t, "HH:mm", CultureInfo.InvariantCulture)).ToArray(),
            days,
            LocalTimeResolver.FindZone(zone)!);

    private static string[] Dates(Expansion expansion, string zone = "UTC")
    {
        var tz = LocalTimeResolver.FindZone(zone)!;
        return expansion.Occurrences.Select(o => TimeZoneInfo.ConvertTime(o, tz).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)).ToArray();
    }

    [Test]
    public void Expand_MedicationExampleDailyThreeTimesInclusiveEnd_Makes93()
    {
        var rule = Rule("2026-06-01", "2026-07-01", RecurrenceFrequency.Daily, times: ["08:00", "14:00", "20:00"]);

        var expansion = Recurrence.Expand(rule, LongAgo);

        Assert.Multiple(() =>
        {
            Assert.That(expansion.Occurrences, Has.Count.EqualTo(93));
            Assert.That(Dates(expansion)[0], Is.EqualTo("2026-06-01 08:00"));
            Assert.That(Dates(expansion)[^1], Is.EqualTo("2026-07-01 20:00"));
        });
    }

    [Test]
    public void Expand_MonthlyFromJan31_UsesEachMonthsLastDay()
    {
        var rule = Rule("2026-01-31", "2026-12-31", RecurrenceFrequency.Monthly);

        var dates = Dates(Recurrence.Expand(rule, LongAgo)).Select(d => d[..10]).ToArray();

        Assert.That(dates, Is.EqualTo(new[]
        {
            "2026-01-31", "2026-02-28", "2026-03-31", "2026-04-30", "2026-05-31", "2026-06-30",
            "2026-07-31", "2026-08-31", "2026-09-30", "2026-10-31", "2026-11-30", "2026-12-31",
        }));
    }

    [Test]
    public void Expand_MonthlyFromJan31InLeapYear_UsesFeb29()
    {
        var dates = Dates(Recurrence.Expand(Rule("2028-01-31", "2028-03-31", RecurrenceFrequency.Monthly), LongAgo));

        Assert.That(dates.Select(d => d[..10]), Is.EqualTo(new[] { "2028-01-31", "2028-02-29", "2028-03-31" }));
    }

    [Test]
    public void Expand_YearlyFromFeb29_UsesFeb28InOtherYears()
    {
        var dates = Dates(Recurrence.Expand(Rule("2028-02-29", "2033-03-01", RecurrenceFrequency.Yearly), LongAgo));

        Assert.That(dates.Select(d => d[..10]), Is.EqualTo(new[] { "2028-02-29", "2029-02-28", "2030-02-28", "2031-02-28", "2032-02-29", "2033-02-28" }));
    }

    [Test]
    public void Expand_WeeklyMondayAndThursday_StepsWholeWeeks()
    {
        // 2026-06-01 is a Monday.
        var rule = Rule("2026-06-01", "2026-06-14", RecurrenceFrequency.Weekly, days: [DayOfWeek.Thursday, DayOfWeek.Monday]);

        var dates = Dates(Recurrence.Expand(rule, LongAgo)).Select(d => d[..10]);

        Assert.That(dates, Is.EqualTo(new[] { "2026-06-01", "2026-06-04", "2026-06-08", "2026-06-11" }));
    }

    [Test]
    public void Expand_WeeklyDefaultDay_IsStartWeekday()
    {
        // 2026-06-03 is a Wednesday; every other week.
        var dates = Dates(Recurrence.Expand(Rule("2026-06-03", "2026-07-15", RecurrenceFrequency.Weekly, interval: 2), LongAgo)).Select(d => d[..10]);

        Assert.That(dates, Is.EqualTo(new[] { "2026-06-03", "2026-06-17", "2026-07-01", "2026-07-15" }));
    }

    [Test]
    public void Expand_WeeklyDayBeforeStartInFirstWeek_IsSkipped()
    {
        // Start Thursday 2026-06-04; Monday of that week is before the start.
        var dates = Dates(Recurrence.Expand(Rule("2026-06-04", "2026-06-15", RecurrenceFrequency.Weekly, days: [DayOfWeek.Monday, DayOfWeek.Thursday]), LongAgo)).Select(d => d[..10]);

        Assert.That(dates, Is.EqualTo(new[] { "2026-06-04", "2026-06-08", "2026-06-11", "2026-06-15" }));
    }

    [TestCase("daily", 3, "2026-06-01", "2026-06-10", new[] { "2026-06-01", "2026-06-04", "2026-06-07", "2026-06-10" })]
    [TestCase("monthly", 2, "2026-01-15", "2026-08-01", new[] { "2026-01-15", "2026-03-15", "2026-05-15", "2026-07-15" })]
    [TestCase("yearly", 3, "2026-05-05", "2033-01-01", new[] { "2026-05-05", "2029-05-05", "2032-05-05" })]
    [TestCase("daily", 1, "2026-06-01", "2026-06-01", new[] { "2026-06-01" })]
    public void Expand_Interval_StepsByInterval(string frequency, int interval, string start, string end, string[] expected)
    {
        var dates = Dates(Recurrence.Expand(Rule(start, end, new RecurrenceFrequency(frequency), interval), LongAgo)).Select(d => d[..10]);

        Assert.That(dates, Is.EqualTo(expected));
    }

    [Test]
    public void Expand_OccurrencesAlreadyPast_AreDroppedAndCounted()
    {
        var rule = Rule("2026-06-01", "2026-06-03", RecurrenceFrequency.Daily, times: ["08:00", "20:00"]);
        var now = new DateTimeOffset(2026, 6, 2, 12, 0, 0, TimeSpan.Zero);

        var expansion = Recurrence.Expand(rule, now);

        Assert.Multiple(() =>
        {
            Assert.That(Dates(expansion), Is.EqualTo(new[] { "2026-06-02 20:00", "2026-06-03 08:00", "2026-06-03 20:00" }));
            Assert.That(expansion.PastDropped, Is.EqualTo(3));
        });
    }

    [Test]
    public void Expand_OccurrenceExactlyNow_IsPast()
    {
        var rule = Rule("2026-06-01", "2026-06-01", RecurrenceFrequency.Daily);

        var expansion = Recurrence.Expand(rule, new DateTimeOffset(2026, 6, 1, 9, 0, 0, TimeSpan.Zero));

        Assert.That(expansion.Occurrences, Is.Empty);
    }

    [Test]
    public void Expand_MoreThanCap_IsTooMany()
    {
        var rule = Rule("2026-01-01", "2027-12-31", RecurrenceFrequency.Daily, times: Enumerable.Range(0, 24).Select(h => $"{h:00}:00").ToArray());

        var expansion = Recurrence.Expand(rule, LongAgo);

        Assert.Multiple(() =>
        {
            Assert.That(expansion.TooMany, Is.True);
            Assert.That(expansion.Occurrences, Has.Count.EqualTo(Recurrence.MaxOccurrences));
        });
    }

    [Test]
    public void Expand_TimeZone_ConvertsWallClockToUtc()
    {
        // Kinshasa is UTC+1 all year.
        var expansion = Recurrence.Expand(Rule("2026-06-01", "2026-06-01", RecurrenceFrequency.Daily, zone: "Africa/Kinshasa"), LongAgo);

        Assert.That(expansion.Occurrences.Single(), Is.EqualTo(new DateTimeOffset(2026, 6, 1, 8, 0, 0, TimeSpan.Zero)));
    }

    [Test]
    public void Expand_DailyAcrossSpringForward_KeepsWallClockTime()
    {
        // New York springs forward on 2026-03-08: 09:00 stays 09:00 local (14:00Z before, 13:00Z after).
        var expansion = Recurrence.Expand(Rule("2026-03-07", "2026-03-09", RecurrenceFrequency.Daily, zone: "America/New_York"), LongAgo);

        Assert.That(expansion.Occurrences.Select(o => o.UtcDateTime.Hour), Is.EqualTo(new[] { 14, 13, 13 }));
    }

    [Test]
    public void Resolve_TimeInSpringForwardGap_MovesForwardByTheGap()
    {
        // 02:30 does not exist in New York on 2026-03-08 (02:00 → 03:00): it fires at 03:30 EDT = 07:30Z.
        var zone = LocalTimeResolver.FindZone("America/New_York")!;

        var instant = LocalTimeResolver.Resolve(new DateOnly(2026, 3, 8), new TimeOnly(2, 30), zone);

        Assert.That(instant, Is.EqualTo(new DateTimeOffset(2026, 3, 8, 7, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public void Resolve_TimeInFallBackOverlap_TakesFirstOccurrence()
    {
        // 01:30 happens twice in New York on 2026-11-01: first in EDT (UTC-4) = 05:30Z.
        var zone = LocalTimeResolver.FindZone("America/New_York")!;

        var instant = LocalTimeResolver.Resolve(new DateOnly(2026, 11, 1), new TimeOnly(1, 30), zone);

        Assert.That(instant, Is.EqualTo(new DateTimeOffset(2026, 11, 1, 5, 30, 0, TimeSpan.Zero)));
    }

    [Test]
    public void Resolve_EuropeGapAndOverlap_FollowSameRules()
    {
        var paris = LocalTimeResolver.FindZone("Europe/Paris")!;

        // 2026-03-29 02:30 does not exist (02:00 → 03:00 CEST): 03:30 CEST = 01:30Z.
        var gap = LocalTimeResolver.Resolve(new DateOnly(2026, 3, 29), new TimeOnly(2, 30), paris);

        // 2026-10-25 02:30 happens twice: first in CEST (UTC+2) = 00:30Z.
        var overlap = LocalTimeResolver.Resolve(new DateOnly(2026, 10, 25), new TimeOnly(2, 30), paris);

        Assert.Multiple(() =>
        {
            Assert.That(gap, Is.EqualTo(new DateTimeOffset(2026, 3, 29, 1, 30, 0, TimeSpan.Zero)));
            Assert.That(overlap, Is.EqualTo(new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero)));
        });
    }

    [Test]
    public void Expand_DailyInsideGapEveryDay_FiresOnceOnGapDay()
    {
        var expansion = Recurrence.Expand(Rule("2026-03-07", "2026-03-09", RecurrenceFrequency.Daily, times: ["02:30"], zone: "America/New_York"), LongAgo);

        Assert.That(Dates(expansion, "America/New_York"), Is.EqualTo(new[] { "2026-03-07 02:30", "2026-03-08 03:30", "2026-03-09 02:30" }));
    }

    [TestCase("Africa/Kinshasa", true)]
    [TestCase("America/New_York", true)]
    [TestCase("UTC", true)]
    [TestCase(null, true)]
    [TestCase("Mars/Olympus_Mons", false)]
    [TestCase("../../etc/passwd", false)]
    [TestCase("Europe/Paris; DROP", false)]
    public void FindZone_IanaNames_KnownOrNull(string? id, bool found)
    {
        Assert.That(LocalTimeResolver.FindZone(id) is not null, Is.EqualTo(found));
    }

    [Test]
    public void Expand_FarFutureEndDaily_StopsAtCapQuickly()
    {
        var rule = Rule("2026-01-01", "9999-12-31", RecurrenceFrequency.Daily);

        var expansion = Recurrence.Expand(rule, LongAgo);

        Assert.That(expansion.TooMany, Is.True);
    }

    [Test]
    public void Expand_MonthlyToEndOfCalendar_Terminates()
    {
        var rule = Rule("9999-01-31", "9999-12-31", RecurrenceFrequency.Monthly);

        Assert.That(Recurrence.Expand(rule, LongAgo).Occurrences, Has.Count.EqualTo(12));
    }
}
