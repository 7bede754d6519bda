using Lisoloo.Sdk;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Api;

/// <summary>Builds the <c>GET /status</c> body from stored rows.</summary>
internal static class StatusView
{
    public static MessageStatus Build(SendView view)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        var bySeq = new Dictionary<int, Dictionary<string, int>>();
        var recipients = new List<RecipientStatus>(view.Deliveries.Count);
        foreach (var d in view.Deliveries)
        {
            counts[d.State] = counts.GetValueOrDefault(d.State) + 1;
            if (!bySeq.TryGetValue(d.Seq, out var seqCounts))
            {
                bySeq[d.Seq] = seqCounts = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            seqCounts[d.State] = seqCounts.GetValueOrDefault(d.State) + 1;
            recipients.Add(new RecipientStatus
            {
                To = d.Recipient,
                Occurrence = d.Seq,
                Status = new SmsStatus(d.State),
                ErrorCode = d.ErrorCode,
                ErrorMessage = d.ErrorMessage,
                CarrierError = d.CarrierError,
                Segments = view.Segments,
                UpdatedAt = DateTimeOffset.FromUnixTimeMilliseconds(d.UpdatedAt),
                Timestamps = Timestamps(d.Stages),
            });
        }

        var occurrences = new List<OccurrenceStatus>(Math.Max(1, view.Occurrences.Count));
        IEnumerable<OccurrenceView> stored = view.SendingType == SendingTypes.Immediate
            ? [new OccurrenceView(1, view.FirstSendAt, OccurrenceStates.Released)] // an immediate send is one occurrence, released at submit
            : view.Occurrences;
        foreach (var o in stored)
        {
            string state;
            if (o.State == OccurrenceStates.Released && bySeq.TryGetValue(o.Seq, out var seqCounts))
            {
                state = StatusRules.Aggregate(SendStates.Active, seqCounts);
            }
            else
            {
                state = StatusRules.OccurrenceState(o.State);
                if (o.State != OccurrenceStates.Released)
                {
                    counts[state] = counts.GetValueOrDefault(state) + view.TotalRecipients;
                }
            }

            occurrences.Add(new OccurrenceStatus { Sequence = o.Seq, ScheduledAt = DateTimeOffset.FromUnixTimeMilliseconds(o.DueAt), Status = new SmsStatus(state) });
        }

        return new MessageStatus
        {
            MessageId = view.MessageId,
            Status = new SmsStatus(StatusRules.Aggregate(view.State, counts)),
            SendingType = new SendingType(view.SendingType),
            Encoding = new SmsEncoding(view.Encoding),
            Segments = view.Segments,
            SenderId = view.SenderId,
            TotalRecipients = view.TotalRecipients,
            TotalMessages = view.TotalMessages,
            TotalCost = Money.ToDecimal(view.TotalCostMicros),
            RefundedAmount = Money.ToDecimal(view.RefundedMicros),
            Currency = view.Currency,
            CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(view.CreatedAt),
            Counts = counts,
            Occurrences = occurrences,
            Recipients = recipients,
        };
    }

    private static Dictionary<string, DateTimeOffset> Timestamps(IReadOnlyList<(string State, long At)> stages)
    {
        var result = new Dictionary<string, DateTimeOffset>(stages.Count, StringComparer.Ordinal);
        foreach (var (state, at) in stages)
        {
            result[state] = DateTimeOffset.FromUnixTimeMilliseconds(at);
        }

        return result;
    }
}
