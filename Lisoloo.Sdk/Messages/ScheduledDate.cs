using System.Globalization;
using System.Text.Json.Serialization;

namespace Lisoloo.Sdk;

/// <summary>One moment of a scheduled send: a wall-clock date and time, in <see cref="TimeZone"/> (or the request's, or UTC).</summary>
/// <param name="Date">The date, <c>YYYY-MM-DD</c>.</param>
/// <param name="Time">The time, <c>HH:mm</c> (24-hour).</param>
public sealed record ScheduledDate(string Date, string Time)
{
    /// <summary>Gets the IANA time zone of this moment, e.g. <c>Africa/Kinshasa</c>; <see langword="null"/> for the request's zone.</summary>
    [JsonPropertyName("timezone")]
    public string? TimeZone { get; init; }

    /// <summary>Creates a moment from a wall-clock date and time (its <see cref="DateTime.Kind"/> and seconds are ignored).</summary>
    /// <param name="wallClock">The local date and time in <paramref name="timeZone"/>.</param>
    /// <param name="timeZone">The IANA time zone, or <see langword="null"/> for the request's zone.</param>
    /// <returns>The moment.</returns>
    public static ScheduledDate At(DateTime wallClock, string? timeZone = null)
        => new(
            wallClock.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            wallClock.ToString("HH:mm", CultureInfo.InvariantCulture))
        { TimeZone = timeZone };

#if NET6_0_OR_GREATER
    /// <summary>Creates a moment from a date and a time of day.</summary>
    /// <param name="date">The date.</param>
    /// <param name="time">The time of day (seconds are ignored).</param>
    /// <param name="timeZone">The IANA time zone, or <see langword="null"/> for the request's zone.</param>
    /// <returns>The moment.</returns>
    public static ScheduledDate At(DateOnly date, TimeOnly time, string? timeZone = null)
        => At(date.ToDateTime(time), timeZone);
#endif
}
