namespace Lisoloo.Sdk;

/// <summary>
/// A <c>POST /calculate</c> question: either a budget to turn into an SMS count, or a would-be send to price exactly.
/// Build one with <see cref="ForBudget"/> or one of the <c>ForSend</c> overloads.
/// </summary>
public sealed record CalculateRequest
{
    private CalculateRequest()
    {
    }

    /// <summary>Gets the budget to convert into an SMS count (budget form).</summary>
    public decimal? Budget { get; private init; }

    /// <summary>Gets the message whose segments the budget should be counted in (budget form, optional), or the would-be send's text.</summary>
    public string? Message { get; private init; }

    /// <summary>Gets the would-be recipients (send form).</summary>
    public IReadOnlyList<string>? To { get; private init; }

    /// <summary>Gets the would-be sending type (send form).</summary>
    public SendingType? SendingType { get; private init; }

    /// <summary>Gets the would-be sender id (send form).</summary>
    public string? SenderId { get; private init; }

    /// <summary>Gets the would-be scheduled dates (send form, scheduled).</summary>
    public IReadOnlyList<ScheduledDate>? ScheduledDates { get; private init; }

    /// <summary>Gets the would-be recurrence (send form, recurring).</summary>
    public RecurringSchedule? RecurringSchedule { get; private init; }

    /// <summary>Asks how many SMS a budget buys; with <paramref name="message"/>, also how many copies of that text.</summary>
    /// <param name="budget">The amount, in the account's currency.</param>
    /// <param name="message">An optional text whose segments count against the budget.</param>
    /// <returns>The question.</returns>
    public static CalculateRequest ForBudget(decimal budget, string? message = null) => new() { Budget = budget, Message = message };

    /// <summary>Asks what an immediate send would cost, without sending it.</summary>
    /// <param name="send">The would-be send.</param>
    /// <returns>The question.</returns>
    public static CalculateRequest ForSend(SendRequest send)
    {
        Guard.NotNull(send);
        return new() { To = send.To, Message = send.Message, SenderId = send.SenderId, SendingType = Sdk.SendingType.Immediate };
    }

    /// <summary>Asks what a scheduled send would cost, without sending it.</summary>
    /// <param name="send">The would-be send.</param>
    /// <returns>The question.</returns>
    public static CalculateRequest ForSend(ScheduleRequest send)
    {
        Guard.NotNull(send);
        return new()
        {
            To = send.To,
            Message = send.Message,
            SenderId = send.SenderId,
            SendingType = Sdk.SendingType.Scheduled,
            ScheduledDates = Payloads.ApplyTimeZone(send.Dates, send.TimeZone),
        };
    }

    /// <summary>Asks what a recurring send would cost, without sending it.</summary>
    /// <param name="send">The would-be send.</param>
    /// <returns>The question.</returns>
    public static CalculateRequest ForSend(RecurringRequest send)
    {
        Guard.NotNull(send);
        return new()
        {
            To = send.To,
            Message = send.Message,
            SenderId = send.SenderId,
            SendingType = Sdk.SendingType.Recurring,
            RecurringSchedule = send.Schedule,
        };
    }
}

/// <summary>What <c>POST /calculate</c> answers. Budget questions fill the budget fields, send questions the cost fields.</summary>
public sealed record CalculateResult
{
    /// <summary>Gets the price of one SMS segment.</summary>
    public decimal UnitPrice { get; init; }

    /// <summary>Gets the ISO 4217 currency.</summary>
    public string Currency { get; init; } = string.Empty;

    /// <summary>Gets the budget asked about (budget form).</summary>
    public decimal? Budget { get; init; }

    /// <summary>Gets how many SMS segments the budget buys (budget form).</summary>
    public int? SmsCount { get; init; }

    /// <summary>Gets how many copies of the given message the budget buys (budget form with a message).</summary>
    public int? MessageCount { get; init; }

    /// <summary>Gets the segments of one copy of the message.</summary>
    public int? Segments { get; init; }

    /// <summary>Gets the message's encoding.</summary>
    public SmsEncoding? Encoding { get; init; }

    /// <summary>Gets the distinct recipients (send form).</summary>
    public int? TotalRecipients { get; init; }

    /// <summary>Gets the occurrences the schedule expands to (send form).</summary>
    public int? Occurrences { get; init; }

    /// <summary>Gets the SMS that would be billed (send form).</summary>
    public int? TotalMessages { get; init; }

    /// <summary>Gets the exact cost (send form).</summary>
    public decimal? TotalCost { get; init; }

    /// <summary>Gets the current spendable balance.</summary>
    public decimal? Balance { get; init; }

    /// <summary>Gets whether the balance covers the cost (send form).</summary>
    public bool? SufficientBalance { get; init; }
}
