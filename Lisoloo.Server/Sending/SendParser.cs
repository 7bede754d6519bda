using System.Globalization;
using System.Net;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Scheduling;

namespace Lisoloo.Server.Sending;

/// <summary>
/// Walks a <c>POST /send</c> (or would-be send of <c>/calculate</c>) body field by field and collects every field
/// error with its code, so a caller fixes everything in one round trip. Wrong JSON types are errors (1119), never
/// exceptions; unknown fields are ignored.
/// </summary>
internal static class SendParser
{
    public const int MaxRecipients = 1000;
    public const int MaxSegments = 10;
    public const int MaxScheduledDates = 100;
    public const int MaxTimesPerDay = 24;
    public const int MaxCancelWithinSeconds = 60;
    public const int MaxInterval = 1000;
    private const int MaxFieldErrors = 50;

    /// <summary>Parses the raw body into a JSON document, or throws the 400 of malformed JSON.</summary>
    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> body)
    {
        try
        {
            var doc = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = 32 });
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new RequestInvalidException(LisolooErrorCodes.MalformedJson, "The request body must be a JSON object.");
            }

            return doc;
        }
        catch (JsonException ex)
        {
            throw new RequestInvalidException(LisolooErrorCodes.MalformedJson,
                $"The request body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine + 1}).");
        }
    }

    /// <summary>Validates a send. Throws <see cref="RequestInvalidException"/> (answered 400 with every field error) when anything is wrong.</summary>
    public static ParsedSend Parse(JsonElement root, SendContext context)
    {
        var errors = new List<FieldError>();

        // sending_type first: it decides which schedule fields are required.
        var type = SendingTypes.Immediate;
        var typeGiven = false;
        if (TryGet(root, "sending_type", out var typeElement))
        {
            if (typeElement.ValueKind != JsonValueKind.String)
            {
                errors.Add(WrongType("sending_type", "a string"));
            }
            else
            {
                typeGiven = true;
                switch (typeElement.GetString()!.Trim().ToLowerInvariant())
                {
                    case SendingTypes.Immediate or "instant": type = SendingTypes.Immediate; break;
                    case SendingTypes.Scheduled: type = SendingTypes.Scheduled; break;
                    case SendingTypes.Recurring: type = SendingTypes.Recurring; break;
                    default:
                        errors.Add(new FieldError("sending_type", LisolooErrorCodes.InvalidSendingType, "sending_type must be immediate, scheduled or recurring."));
                        break;
                }
            }
        }

        if (!typeGiven)
        {
            // Inferred from the schedule fields when absent: the caller's intent is unambiguous.
            if (TryGet(root, "recurring_schedule", out _))
            {
                type = SendingTypes.Recurring;
            }
            else if (TryGet(root, "scheduled_dates", out _))
            {
                type = SendingTypes.Scheduled;
            }
        }

        var (recipients, fields, duplicates) = ParseRecipients(root, errors);
        var (message, segments) = ParseMessage(root, errors);
        var senderId = ParseSenderId(root, context, errors);
        var callbackUrl = ParseCallbackUrl(root, context, errors);

        var cancelWithin = 0;
        if (TryGet(root, "cancel_within", out var cw))
        {
            if (cw.ValueKind != JsonValueKind.Number)
            {
                errors.Add(WrongType("cancel_within", "an integer number of seconds"));
            }
            else if (!cw.TryGetInt32(out cancelWithin) || cancelWithin < 0 || cancelWithin > MaxCancelWithinSeconds)
            {
                errors.Add(new FieldError("cancel_within", LisolooErrorCodes.InvalidCancelWithin, $"cancel_within must be a whole number of seconds from 0 to {MaxCancelWithinSeconds}."));
            }
            else if (type != SendingTypes.Immediate && cancelWithin > 0)
            {
                errors.Add(new FieldError("cancel_within", LisolooErrorCodes.InvalidCancelWithin, "cancel_within applies to immediate sends only; scheduled sends can be cancelled until their time."));
            }
        }

        string? defaultZone = null;
        if (TryGet(root, "timezone", out var tzElement))
        {
            defaultZone = ParseZoneName(tzElement, "timezone", errors);
        }

        IReadOnlyList<long> occurrences = [context.Now.ToUnixTimeMilliseconds()];
        var pastDropped = 0;
        string? zoneName = defaultZone;
        string? scheduleJson = null;
        if (type == SendingTypes.Scheduled)
        {
            if (!TryGet(root, "scheduled_dates", out var dates))
            {
                errors.Add(new FieldError("scheduled_dates", LisolooErrorCodes.InvalidScheduledDates, "scheduled_dates is required for a scheduled send."));
            }
            else
            {
                scheduleJson = dates.GetRawText();
                occurrences = ParseScheduledDates(dates, defaultZone, context.Now, errors, ref zoneName);
            }
        }
        else if (type == SendingTypes.Recurring)
        {
            if (!TryGet(root, "recurring_schedule", out var schedule))
            {
                errors.Add(new FieldError("recurring_schedule", LisolooErrorCodes.InvalidRecurringSchedule, "recurring_schedule is required for a recurring send."));
            }
            else
            {
                scheduleJson = schedule.GetRawText();
                (occurrences, pastDropped) = ParseRecurring(schedule, defaultZone, context.Now, errors, ref zoneName);
            }
        }

        if (errors.Count > 0)
        {
            throw new RequestInvalidException(errors.Count > MaxFieldErrors ? errors.GetRange(0, MaxFieldErrors) : errors);
        }

        return new ParsedSend(type, recipients, fields, duplicates, message!, segments!, senderId, callbackUrl, cancelWithin, occurrences, pastDropped, zoneName, scheduleJson);
    }

    /// <summary>True when the property exists and is not JSON null (null means "absent" for optional fields).</summary>
    public static bool TryGet(JsonElement root, string name, out JsonElement value) =>
        root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null;

    public static FieldError WrongType(string field, string expected) =>
        new(field, LisolooErrorCodes.InvalidFieldType, $"{field} must be {expected}.");

    /// <summary>Reads a string, refusing lone surrogates (invalid UTF-16 escapes) as invalid characters.</summary>
    public static bool TryReadString(JsonElement element, string field, List<FieldError> errors, out string value)
    {
        value = string.Empty;
        if (element.ValueKind != JsonValueKind.String)
        {
            errors.Add(WrongType(field, "a string"));
            return false;
        }

        try
        {
            value = element.GetString()!;
            return true;
        }
        catch (InvalidOperationException)
        {
            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidCharacters, $"{field} contains an invalid character (a lone UTF-16 surrogate)."));
            return false;
        }
    }

    /// <summary>The recipients, normalised and de-duplicated, each with the field it came from (<c>to[i]</c> of its first appearance, or <c>to</c>).</summary>
    private static (IReadOnlyList<string> Numbers, IReadOnlyList<string> Fields, int Duplicates) ParseRecipients(JsonElement root, List<FieldError> errors)
    {
        if (!TryGet(root, "to", out var to))
        {
            errors.Add(new FieldError("to", LisolooErrorCodes.MissingRecipients, "to is required: 1 to 1,000 phone numbers in E.164."));
            return ([], [], 0);
        }

        if (to.ValueKind == JsonValueKind.String)
        {
            // A single number as a bare string: accepted, the common mistake of one-recipient callers.
            if (TryReadString(to, "to", errors, out var single))
            {
                if (PhoneNumbers.TryNormalize(single, out var e164))
                {
                    return ([e164], ["to"], 0);
                }

                errors.Add(new FieldError("to", LisolooErrorCodes.InvalidRecipient, "to is not a valid phone number (E.164: + then 8 to 15 digits)."));
            }

            return ([], [], 0);
        }

        if (to.ValueKind != JsonValueKind.Array)
        {
            errors.Add(WrongType("to", "an array of phone numbers"));
            return ([], [], 0);
        }

        var count = to.GetArrayLength();
        if (count == 0)
        {
            errors.Add(new FieldError("to", LisolooErrorCodes.MissingRecipients, "to must hold at least one phone number."));
            return ([], [], 0);
        }

        var numbers = new List<string>(count);
        var fields = new List<string>(count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var item in to.EnumerateArray())
        {
            var field = "to[" + index.ToString(CultureInfo.InvariantCulture) + "]";
            if (TryReadString(item, field, errors, out var raw))
            {
                if (!PhoneNumbers.TryNormalize(raw, out var e164))
                {
                    errors.Add(new FieldError(field, LisolooErrorCodes.InvalidRecipient, $"{field} is not a valid phone number (E.164: + then 8 to 15 digits)."));
                }
                else if (seen.Add(e164))
                {
                    numbers.Add(e164);
                    fields.Add(field);
                }
            }

            index++;
        }

        // The limit counts recipients after normalisation and de-duplication (the catalogue's 1104); the body limit
        // bounds how many entries there can be to walk.
        if (numbers.Count > MaxRecipients)
        {
            errors.Add(new FieldError("to", LisolooErrorCodes.TooManyRecipients, $"to holds {numbers.Count} distinct numbers; at most {MaxRecipients} are allowed per request."));
            return ([], [], 0);
        }

        return (numbers, fields, count - numbers.Count - CountInvalid(errors));
    }

    private static int CountInvalid(List<FieldError> errors)
    {
        var n = 0;
        foreach (var e in errors)
        {
            if (e.Field.StartsWith("to[", StringComparison.Ordinal))
            {
                n++;
            }
        }

        return n;
    }

    private static (string? Message, SegmentInfo? Segments) ParseMessage(JsonElement root, List<FieldError> errors)
    {
        if (!TryGet(root, "message", out var element))
        {
            errors.Add(new FieldError("message", LisolooErrorCodes.EmptyMessage, "message is required."));
            return (null, null);
        }

        if (!TryReadString(element, "message", errors, out var message))
        {
            return (null, null);
        }

        if (string.IsNullOrWhiteSpace(message))
        {
            errors.Add(new FieldError("message", LisolooErrorCodes.EmptyMessage, "message must not be empty."));
            return (null, null);
        }

        if (MessageText.FindInvalid(message) is { } bad)
        {
            errors.Add(new FieldError("message", LisolooErrorCodes.InvalidCharacters, $"message contains an invalid character at index {bad} (control characters other than line breaks and tab, and lone surrogates, cannot be sent)."));
            return (null, null);
        }

        if (message.Length > MaxSegments * 160 * 2)
        {
            errors.Add(new FieldError("message", LisolooErrorCodes.MessageTooLong, $"message is longer than {MaxSegments} SMS segments."));
            return (null, null);
        }

        var info = SmsSegments.Count(message);
        if (info.Segments > MaxSegments)
        {
            errors.Add(new FieldError("message", LisolooErrorCodes.MessageTooLong,
                $"message needs {info.Segments} SMS segments ({info.Encoding.Value}); at most {MaxSegments} are allowed."));
            return (null, null);
        }

        return (message, info);
    }

    private static string? ParseSenderId(JsonElement root, SendContext context, List<FieldError> errors)
    {
        if (!TryGet(root, "sender_id", out var element))
        {
            return context.DefaultSender;
        }

        if (!TryReadString(element, "sender_id", errors, out var sender))
        {
            return null;
        }

        if (!SenderIds.IsValid(sender))
        {
            errors.Add(new FieldError("sender_id", LisolooErrorCodes.InvalidSenderId,
                "sender_id must be up to 11 letters, digits and inner spaces (with at least one letter), or up to 15 digits."));
            return null;
        }

        return sender;
    }

    private static string? ParseCallbackUrl(JsonElement root, SendContext context, List<FieldError> errors)
    {
        if (!TryGet(root, "callback_url", out var element))
        {
            return null;
        }

        if (!TryReadString(element, "callback_url", errors, out var text))
        {
            return null;
        }

        if (CallbackUrls.Validate(text, context.LiveKey, context.AllowPrivateTargets) is { } problem)
        {
            errors.Add(new FieldError("callback_url", LisolooErrorCodes.InvalidCallbackUrl, problem));
            return null;
        }

        return new Uri(text).AbsoluteUri;
    }

    private static string? ParseZoneName(JsonElement element, string field, List<FieldError> errors)
    {
        if (!TryReadString(element, field, errors, out var name))
        {
            return null;
        }

        if (LocalTimeResolver.FindZone(name) is null)
        {
            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidTimeZone, $"{field} is not a known IANA time zone (for example Africa/Kinshasa)."));
            return null;
        }

        return name;
    }

    private static IReadOnlyList<long> ParseScheduledDates(JsonElement dates, string? defaultZone, DateTimeOffset now, List<FieldError> errors, ref string? zoneName)
    {
        if (dates.ValueKind != JsonValueKind.Array)
        {
            errors.Add(WrongType("scheduled_dates", "an array of {\"date\", \"time\"} objects"));
            return [];
        }

        var count = dates.GetArrayLength();
        if (count == 0 || count > MaxScheduledDates)
        {
            errors.Add(new FieldError("scheduled_dates", LisolooErrorCodes.InvalidScheduledDates, $"scheduled_dates must hold 1 to {MaxScheduledDates} entries; it holds {count}."));
            return [];
        }

        var result = new List<long>(count);
        var seen = new HashSet<long>();
        var i = 0;
        foreach (var entry in dates.EnumerateArray())
        {
            var field = "scheduled_dates[" + i.ToString(CultureInfo.InvariantCulture) + "]";
            i++;
            if (entry.ValueKind != JsonValueKind.Object)
            {
                errors.Add(WrongType(field, "an object with date and time"));
                continue;
            }

            var zone = TimeZoneInfo.Utc;
            var zoneField = defaultZone;
            if (TryGet(entry, "timezone", out var tz))
            {
                zoneField = ParseZoneName(tz, field + ".timezone", errors);
                if (zoneField is null)
                {
                    continue;
                }
            }

            zone = LocalTimeResolver.FindZone(zoneField) ?? TimeZoneInfo.Utc;
            zoneName ??= zoneField;
            var date = ReadDate(entry, "date", field, errors);
            var time = ReadTime(entry, "time", field, errors);
            if (date is null || time is null)
            {
                continue;
            }

            var at = LocalTimeResolver.Resolve(date.Value, time.Value, zone);
            if (at <= now)
            {
                errors.Add(new FieldError(field, LisolooErrorCodes.ScheduleInPast, $"{field} is in the past ({at.ToString("yyyy-MM-dd'T'HH:mm'Z'", CultureInfo.InvariantCulture)})."));
                continue;
            }

            var ms = at.ToUnixTimeMilliseconds();
            if (!seen.Add(ms))
            {
                errors.Add(new FieldError(field, LisolooErrorCodes.InvalidScheduledDates, $"{field} repeats an earlier entry's instant."));
                continue;
            }

            result.Add(ms);
        }

        result.Sort();
        return result;
    }

    private static (IReadOnlyList<long> Occurrences, int PastDropped) ParseRecurring(JsonElement schedule, string? defaultZone, DateTimeOffset now, List<FieldError> errors, ref string? zoneName)
    {
        const string F = "recurring_schedule";
        if (schedule.ValueKind != JsonValueKind.Object)
        {
            errors.Add(WrongType(F, "an object"));
            return ([], 0);
        }

        var before = errors.Count;
        var start = ReadDate(schedule, "start_date", F, errors);
        var end = ReadDate(schedule, "end_date", F, errors);
        if (start is not null && end is not null && end < start)
        {
            errors.Add(new FieldError(F + ".end_date", LisolooErrorCodes.InvalidRecurringSchedule, "end_date is before start_date."));
        }

        RecurrenceFrequency frequency = default;
        if (!TryGet(schedule, "frequency", out var freq))
        {
            errors.Add(new FieldError(F + ".frequency", LisolooErrorCodes.InvalidFrequency, "frequency is required: daily, weekly, monthly or yearly."));
        }
        else if (TryReadString(freq, F + ".frequency", errors, out var freqText))
        {
            frequency = new RecurrenceFrequency(freqText.Trim());
            if (frequency != RecurrenceFrequency.Daily && frequency != RecurrenceFrequency.Weekly && frequency != RecurrenceFrequency.Monthly && frequency != RecurrenceFrequency.Yearly)
            {
                errors.Add(new FieldError(F + ".frequency", LisolooErrorCodes.InvalidFrequency, "frequency must be daily, weekly, monthly or yearly."));
            }
        }

        var interval = 1;
        if (TryGet(schedule, "interval", out var intervalElement))
        {
            if (intervalElement.ValueKind != JsonValueKind.Number)
            {
                errors.Add(WrongType(F + ".interval", "an integer"));
            }
            else if (!intervalElement.TryGetInt32(out interval) || interval < 1 || interval > MaxInterval)
            {
                errors.Add(new FieldError(F + ".interval", LisolooErrorCodes.InvalidInterval, $"interval must be a whole number from 1 to {MaxInterval}."));
            }
        }

        var times = new List<TimeOnly>();
        if (!TryGet(schedule, "times", out var timesElement))
        {
            errors.Add(new FieldError(F + ".times", LisolooErrorCodes.InvalidTimes, "times is required: 1 to 24 HH:mm times of day."));
        }
        else if (timesElement.ValueKind != JsonValueKind.Array)
        {
            errors.Add(WrongType(F + ".times", "an array of HH:mm strings"));
        }
        else
        {
            var n = timesElement.GetArrayLength();
            if (n == 0 || n > MaxTimesPerDay)
            {
                errors.Add(new FieldError(F + ".times", LisolooErrorCodes.InvalidTimes, $"times must hold 1 to {MaxTimesPerDay} entries; it holds {n}."));
            }
            else
            {
                var i = 0;
                foreach (var t in timesElement.EnumerateArray())
                {
                    var field = F + ".times[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                    i++;
                    if (TryReadString(t, field, errors, out var text))
                    {
                        if (!TryParseTime(text, out var time))
                        {
                            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidTimes, $"{field} must be a time of day as HH:mm."));
                        }
                        else if (times.Contains(time))
                        {
                            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidTimes, $"{field} repeats an earlier time."));
                        }
                        else
                        {
                            times.Add(time);
                        }
                    }
                }
            }
        }

        List<DayOfWeek>? days = null;
        if (TryGet(schedule, "days_of_week", out var daysElement))
        {
            if (frequency != RecurrenceFrequency.Weekly)
            {
                errors.Add(new FieldError(F + ".days_of_week", LisolooErrorCodes.InvalidDaysOfWeek, "days_of_week applies to weekly schedules only."));
            }
            else if (daysElement.ValueKind != JsonValueKind.Array || daysElement.GetArrayLength() is 0 or > 7)
            {
                errors.Add(new FieldError(F + ".days_of_week", LisolooErrorCodes.InvalidDaysOfWeek, "days_of_week must be an array of 1 to 7 weekday names, such as [\"monday\", \"thursday\"]."));
            }
            else
            {
                days = [];
                var i = 0;
                foreach (var d in daysElement.EnumerateArray())
                {
                    var field = F + ".days_of_week[" + i.ToString(CultureInfo.InvariantCulture) + "]";
                    i++;
                    if (TryReadString(d, field, errors, out var text))
                    {
                        if (!Enum.TryParse<DayOfWeek>(text.Trim(), ignoreCase: true, out var day) || !char.IsLetter(text.Trim().FirstOrDefault()))
                        {
                            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidDaysOfWeek, $"{field} must be a weekday name (monday … sunday)."));
                        }
                        else if (!days.Contains(day))
                        {
                            days.Add(day);
                        }
                    }
                }
            }
        }

        var zone = TimeZoneInfo.Utc;
        var zoneText = defaultZone;
        if (TryGet(schedule, "timezone", out var tz))
        {
            zoneText = ParseZoneName(tz, F + ".timezone", errors);
        }

        if (errors.Count > before)
        {
            return ([], 0);
        }

        zone = LocalTimeResolver.FindZone(zoneText) ?? TimeZoneInfo.Utc;
        zoneName = zoneText;
        times.Sort();
        var expansion = Recurrence.Expand(new RecurrenceRule(start!.Value, end!.Value, frequency, interval, times, days, zone), now);
        if (expansion.TooMany)
        {
            errors.Add(new FieldError(F, LisolooErrorCodes.TooManyOccurrences, $"This schedule makes more than {Recurrence.MaxOccurrences} occurrences; split it into several sends."));
            return ([], 0);
        }

        if (expansion.Occurrences.Count == 0)
        {
            errors.Add(new FieldError(F, LisolooErrorCodes.ScheduleInPast, "This schedule has no occurrence in the future."));
            return ([], 0);
        }

        var result = new long[expansion.Occurrences.Count];
        for (var i = 0; i < result.Length; i++)
        {
            result[i] = expansion.Occurrences[i].ToUnixTimeMilliseconds();
        }

        return (result, expansion.PastDropped);
    }

    private static DateOnly? ReadDate(JsonElement parent, string name, string prefix, List<FieldError> errors)
    {
        var field = prefix + "." + name;
        if (!TryGet(parent, name, out var element))
        {
            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidDateOrTime, $"{field} is required (YYYY-MM-DD)."));
            return null;
        }

        if (!TryReadString(element, field, errors, out var text))
        {
            return null;
        }

        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidDateOrTime, $"{field} is not a calendar date as YYYY-MM-DD."));
            return null;
        }

        return date;
    }

    private static TimeOnly? ReadTime(JsonElement parent, string name, string prefix, List<FieldError> errors)
    {
        var field = prefix + "." + name;
        if (!TryGet(parent, name, out var element))
        {
            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidDateOrTime, $"{field} is required (HH:mm)."));
            return null;
        }

        if (!TryReadString(element, field, errors, out var text))
        {
            return null;
        }

        if (!TryParseTime(text, out var time))
        {
            errors.Add(new FieldError(field, LisolooErrorCodes.InvalidDateOrTime, $"{field} is not a time of day as HH:mm."));
            return null;
        }

        return time;
    }

    private static bool TryParseTime(string text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text, "HH:mm", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);
}
