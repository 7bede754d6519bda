namespace Lisoloo.Server.Scheduling;

/// <summary>
/// Turns a wall-clock date and time in an IANA zone into one UTC instant, with the RFC 5545 rules for daylight saving:
/// a time inside a spring-forward gap is read with the offset in force before the gap (so 02:30 in a 02:00→03:00 gap
/// fires at 03:30 local); a time that happens twice in a fall-back overlap fires at its first occurrence.
/// </summary>
internal static class LocalTimeResolver
{
    public static DateTimeOffset Resolve(DateOnly date, TimeOnly time, TimeZoneInfo zone)
    {
        var local = DateTime.SpecifyKind(date.ToDateTime(time), DateTimeKind.Unspecified);
        TimeSpan offset;
        if (zone.IsInvalidTime(local))
        {
            // The offset before the gap: the one in force a day earlier (no zone changes twice within a day).
            offset = zone.GetUtcOffset(local.AddDays(-1));
        }
        else if (zone.IsAmbiguousTime(local))
        {
            // First occurrence = the earlier instant = the larger offset.
            var offsets = zone.GetAmbiguousTimeOffsets(local);
            offset = offsets[0] > offsets[1] ? offsets[0] : offsets[1];
        }
        else
        {
            offset = zone.GetUtcOffset(local);
        }

        return new DateTimeOffset(local.Ticks - offset.Ticks, TimeSpan.Zero);
    }

    /// <summary>Finds an IANA zone; <see langword="null"/> when unknown. <c>null</c> or empty means UTC.</summary>
    public static TimeZoneInfo? FindZone(string? id)
    {
        if (string.IsNullOrEmpty(id) || id is "UTC" or "Etc/UTC")
        {
            return TimeZoneInfo.Utc;
        }

        // IANA names only: the names are case-sensitive path-like identifiers; refuse anything else early.
        foreach (var c in id)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '/' or '_' or '-' or '+'))
            {
                return null;
            }
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }
}
