using Lisoloo.Server.Carriers.Smpp.Pdus;
using Lisoloo.Server.Carriers.Smpp.Text;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Workers;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>
/// No message waits for its receipt forever: a delivery still <c>sent</c> or <c>accepted</c> past its connection's
/// receipt deadline (<c>ReceiptDeadline</c>, or the validity period when shorter) is asked about with <c>query_sm</c>,
/// part by part. A final answer settles it as a receipt would (<c>carrier_error</c> says it came from the query); an
/// <c>UNKNOWN</c> answer makes it <c>unknown</c> (1514). Anything else (the SMSC refuses the query or does not support
/// it, the state is not final, no session is bound, the connection is gone) makes it <c>unknown</c> with error 1515 and
/// an <c>sms.unknown</c> webhook; nothing is refunded (the carrier took it), and a receipt that comes later still
/// settles it. Each delivery is leased while it is asked about, so nodes sharing a database do not ask twice.
/// </summary>
internal sealed class SmppReceiptDeadlineWorker(SmppCarrier carrier, ICarrierStore store, TimeProvider time, ILogger<SmppReceiptDeadlineWorker> logger)
    : BackgroundService
{
    /// <summary>How often overdue deliveries are looked for (a deadline is met to within this).</summary>
    internal static readonly TimeSpan Poll = TimeSpan.FromSeconds(1);

    /// <summary>How long a claimed delivery is left to this node: longer than its queries can take.</summary>
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(2);

    /// <summary>How long a query waits for a bound session before the delivery is resolved without one.</summary>
    private static readonly TimeSpan UnboundPatience = TimeSpan.FromSeconds(5);

    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = new WorkerFailures(logger, nameof(SmppReceiptDeadlineWorker));
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan wait;
            try
            {
                wait = await StepAsync(stoppingToken).ConfigureAwait(false) ? TimeSpan.Zero : Poll;
                failures.Succeeded();
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                wait = failures.Failed(ex); // the deliveries stay overdue and are claimed again once their lease ends
            }

            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    /// <summary>Claims one batch of overdue deliveries, asks about them and stores the outcome; true when a full batch was found.</summary>
    internal async Task<bool> StepAsync(CancellationToken cancellationToken)
    {
        var overdue = await store.ClaimOverdueReceiptsAsync(Batch, Lease, cancellationToken).ConfigureAwait(false);
        if (overdue.Count == 0)
        {
            return false;
        }

        var answers = await Task.WhenAll(overdue.Select(d => AskAsync(d, cancellationToken))).ConfigureAwait(false);
        foreach (var route in answers.SelectMany(a => a.Receipts).GroupBy(r => r.Route))
        {
            await store.ApplyPartReceiptsAsync(route.Key, [.. route.Select(r => r.Receipt)], cancellationToken).ConfigureAwait(false);
        }

        var unresolved = answers.Where(a => !a.Settled).Select(a => (a.DeliveryId, ReceiptErrors.NoReceipt(a.Why), a.CarrierError)).ToList();
        var changed = await store.ResolveWithoutReceiptAsync(unresolved, cancellationToken).ConfigureAwait(false);
        SmppLog.ReceiptDeadline(logger, overdue.Count, overdue.Count - unresolved.Count, changed);
        return overdue.Count == Batch;
    }

    /// <summary>Asks the SMSC about each part of <paramref name="delivery"/> that has no final state yet.</summary>
    private async Task<Answer> AskAsync(OverdueDelivery delivery, CancellationToken cancellationToken)
    {
        var receipts = new List<(string Route, PartReceipt Receipt)>();
        var (ton, npi, source) = SmppCarrier.SourceAddress(delivery.SenderId);
        string? why = delivery.Parts.Count == 0 ? "no part of it is known to ask about" : null;
        string? words = null;
        foreach (var part in delivery.Parts.Where(p => !DeliveryStates.IsCarrierFinal(p.State)))
        {
            var connection = carrier.Connections.Where(c => c.ReceiptScope == part.Route).OrderByDescending(c => c.State == SmppConnectionState.Bound).FirstOrDefault();
            if (connection is null)
            {
                why ??= "the connection it went through is no longer configured";
                continue;
            }

            var query = new QuerySmPdu { MessageId = part.RawId ?? part.SmscId, SourceAddrTon = ton, SourceAddrNpi = npi, SourceAddr = source };
            var answer = await connection.QueryAsync(query, UnboundPatience, cancellationToken).ConfigureAwait(false);
            if (answer is null)
            {
                why ??= "no session was bound to ask the carrier";
                continue;
            }

            if (answer.CommandStatus != CommandStatus.Ok)
            {
                why ??= "the carrier refused the query";
                words ??= "query_sm: " + SmppStatusMap.Words(answer.CommandStatus);
                continue;
            }

            var state = ReceiptStates.FromMessageState(answer.MessageState);
            var said = $"query_sm: message_state={StateName(answer.MessageState)} error_code={answer.ErrorCode}";
            if (DeliveryStates.IsCarrierFinal(state) || state == DeliveryStates.Unknown)
            {
                receipts.Add((part.Route, new PartReceipt([part.SmscId], state!, said)));
            }
            else
            {
                why ??= "the carrier said it is not final yet";
                words ??= said;
            }
        }

        return new Answer(delivery.DeliveryId, receipts, why is null, why ?? string.Empty, words);
    }

    /// <summary>The SMPP 3.4 name of a <c>message_state</c> (§5.2.28).</summary>
    private static string StateName(byte state) => state switch
    {
        1 => "ENROUTE",
        2 => "DELIVERED",
        3 => "EXPIRED",
        4 => "DELETED",
        5 => "UNDELIVERABLE",
        6 => "ACCEPTED",
        7 => "UNKNOWN",
        8 => "REJECTED",
        _ => $"0x{state:X2}",
    };

    /// <summary>What asking about one delivery gave: receipts for its parts, and whether they settle it (else why not, and the SMSC's words).</summary>
    private sealed record Answer(long DeliveryId, List<(string Route, PartReceipt Receipt)> Receipts, bool Settled, string Why, string? CarrierError);
}
