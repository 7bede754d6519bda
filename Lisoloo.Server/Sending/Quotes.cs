using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Sending;

/// <summary>
/// What a send costs and what its 201 says, what a cancel, pause or resume answers, and the answers of
/// <c>POST /calculate</c>: pure functions of the parsed request, the account's price and balance, and the time.
/// </summary>
internal static class Quotes
{
    /// <summary>SMS billed: recipients × segments × occurrences.</summary>
    public static long Messages(ParsedSend parsed) => (long)parsed.Recipients.Count * parsed.Segments.Segments * parsed.OccurrencesAt.Count;

    /// <summary>The 201's data of an accepted send, and its cost in micros.</summary>
    public static (SendResult Result, long CostMicros) Accepted(ParsedSend parsed, string messageId, long unitPriceMicros, string currency, DateTimeOffset now)
    {
        var messages = Messages(parsed);
        var cost = checked(messages * unitPriceMicros);
        var immediate = parsed.SendingType == SendingTypes.Immediate;
        var firstAt = immediate
            ? DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds() + (parsed.CancelWithinSeconds * 1000L))
            : DateTimeOffset.FromUnixTimeMilliseconds(parsed.OccurrencesAt[0]);
        var result = new SendResult
        {
            MessageId = messageId,
            TotalRecipients = parsed.Recipients.Count,
            TotalMessages = (int)messages,
            TotalCost = Money.ToDecimal(cost),
            Currency = currency,
            Status = immediate ? SmsStatus.Pending : SmsStatus.Scheduled,
            SendingType = new SendingType(parsed.SendingType),
            Segments = parsed.Segments.Segments,
            Encoding = parsed.Segments.Encoding,
            Occurrences = parsed.OccurrencesAt.Count,
            FirstSendAt = firstAt,
        };
        return (result, cost);
    }

    /// <summary>The 200's data of a cancel, pause or resume.</summary>
    public static MessageActionResult Action(string messageId, ActionOutcome outcome) => new()
    {
        MessageId = messageId,
        Status = new SmsStatus(outcome.Status),
        RefundedMessages = outcome.RefundedMessages,
        RefundedAmount = Money.ToDecimal(outcome.RefundedMicros),
        Currency = outcome.Currency,
        SkippedOccurrences = outcome.SkippedOccurrences,
    };

    /// <summary>
    /// The answer of <c>POST /calculate</c>: a budget into an SMS count when the body has a <c>budget</c> and no <c>to</c>,
    /// otherwise the exact price of the would-be send the body describes (validated as <c>POST /send</c> validates it).
    /// </summary>
    public static CalculateResult Calculate(JsonElement root, SendContext context, AccountBalance balance)
        => SendParser.TryGet(root, "budget", out var budgetElement) && !SendParser.TryGet(root, "to", out _)
            ? Budget(budgetElement, root, balance)
            : WouldBeSend(root, context, balance);

    private static CalculateResult Budget(JsonElement budgetElement, JsonElement root, AccountBalance balance)
    {
        if (budgetElement.ValueKind != JsonValueKind.Number || !budgetElement.TryGetDecimal(out var budget))
        {
            throw new RequestInvalidException([SendParser.WrongType("budget", "a number")]);
        }

        if (budget < 0 || !Money.TryToMicros(budget, out var budgetMicros))
        {
            throw new RequestInvalidException([new FieldError("budget", LisolooErrorCodes.InvalidBudget, "budget must be a non-negative amount with at most 6 decimals.")]);
        }

        var segments = 1;
        SmsEncoding? encoding = null;
        if (SendParser.TryGet(root, "message", out var messageElement))
        {
            var errors = new List<FieldError>();
            if (!SendParser.TryReadString(messageElement, "message", errors, out var message))
            {
                throw new RequestInvalidException(errors);
            }

            if (message.Length > 0)
            {
                var info = SmsSegments.Count(message);
                segments = info.Segments;
                encoding = info.Encoding;
            }
        }

        int? smsCount = balance.UnitPriceMicros == 0 ? int.MaxValue : (int)Math.Min(int.MaxValue, budgetMicros / balance.UnitPriceMicros);
        return new CalculateResult
        {
            UnitPrice = Money.ToDecimal(balance.UnitPriceMicros),
            Currency = balance.Currency,
            Budget = budget,
            SmsCount = smsCount,
            MessageCount = smsCount / segments,
            Segments = segments,
            Encoding = encoding,
            Balance = Money.ToDecimal(balance.BalanceMicros),
        };
    }

    private static CalculateResult WouldBeSend(JsonElement root, SendContext context, AccountBalance balance)
    {
        var parsed = SendParser.Parse(root, context);
        var messages = (long)parsed.Recipients.Count * parsed.Segments.Segments * parsed.OccurrencesAt.Count;
        var cost = checked(messages * balance.UnitPriceMicros);
        return new CalculateResult
        {
            UnitPrice = Money.ToDecimal(balance.UnitPriceMicros),
            Currency = balance.Currency,
            Segments = parsed.Segments.Segments,
            Encoding = parsed.Segments.Encoding,
            TotalRecipients = parsed.Recipients.Count,
            Occurrences = parsed.OccurrencesAt.Count,
            TotalMessages = (int)messages,
            TotalCost = Money.ToDecimal(cost),
            Balance = Money.ToDecimal(balance.BalanceMicros),
            SufficientBalance = balance.BalanceMicros >= cost,
        };
    }
}
