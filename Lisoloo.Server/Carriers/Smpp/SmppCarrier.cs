using System.Globalization;
using System.Threading.Channels;
using Lisoloo.Sdk;
using Lisoloo.Server.Carriers.Smpp.Pdus;
using Lisoloo.Server.Carriers.Smpp.Text;
using Lisoloo.Server.Configuration;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Workers;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>
/// The live route over SMPP 3.4: messages in, states out. Routes each destination to the connection with the longest
/// matching prefix, encodes it (GSM-7 or UCS-2, concatenated parts with a UDH), submits every part through the
/// connection's window, and reports per delivery the parts the SMSC acknowledged (their ids are what receipts are
/// matched by). Receipts and inbound messages from any session are stored in batches, and each <c>deliver_sm</c> is
/// answered only once what it said is on disk.
/// </summary>
internal sealed class SmppCarrier : ICarrier, IHostedService, ISmppSessionHandler, IAsyncDisposable
{
    private const byte EsmReceiptMask = 0x3C;
    private const byte EsmUdhi = 0x40;

    private readonly ICarrierStore _store;
    private readonly WorkSignals _signals;
    private readonly TimeProvider _time;
    private readonly ILogger<SmppCarrier> _logger;
    private readonly ServerOptions _options;
    private readonly List<SmppConnection> _connections = [];
    private readonly List<(string Prefix, SmppConnection Connection)> _routes = [];
    private readonly Dictionary<string, long> _inbound = new(StringComparer.Ordinal);
    private readonly Channel<InboxItem> _inbox = Channel.CreateUnbounded<InboxItem>(new UnboundedChannelOptions { SingleReader = true });
    private Task _inboxLoop = Task.CompletedTask;

    public SmppCarrier(ICarrierStore store, WorkSignals signals, IOptions<ServerOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        _store = store;
        _signals = signals;
        _time = time;
        _logger = loggers.CreateLogger<SmppCarrier>();
        _options = options.Value;
        foreach (var o in _options.Smpp.Connections)
        {
            var account = _options.Smpp.Connections.First(c => string.Equals(c.Host, o.Host, StringComparison.OrdinalIgnoreCase)
                && c.Port == o.Port && string.Equals(c.SystemId, o.SystemId, StringComparison.Ordinal));
            var connection = new SmppConnection(o, this, time, loggers.CreateLogger("Lisoloo.Server.Carriers.Smpp.SmppConnection"), receiptScope: account.Name);
            _connections.Add(connection);
            foreach (var prefix in o.Prefixes)
            {
                _routes.Add((prefix == "*" ? string.Empty : Digits(prefix), connection));
            }
        }

        _routes.Sort((a, b) => b.Prefix.Length.CompareTo(a.Prefix.Length));
        foreach (var route in _options.Smpp.Inbound)
        {
            _inbound[Digits(route.Address)] = route.KeyId;
        }
    }

    public string Name => "smpp";

    /// <summary>Each connection and its bind state.</summary>
    public IEnumerable<(string Name, bool Ready, string Description)> Links =>
        _connections.Select(c => (c.Name, c.State == SmppConnectionState.Bound, c.Describe()));

    /// <summary>Configured when at least one connection is.</summary>
    public bool IsConfigured => _connections.Count > 0;

    /// <summary>Ready when at least one connection is bound.</summary>
    public bool IsReady => _connections.Exists(c => c.State == SmppConnectionState.Bound);

    /// <summary>The configured connections (for <c>/health</c> and tests).</summary>
    public IReadOnlyList<SmppConnection> Connections => _connections;

    public string Describe() => _connections.Count == 0 ? "No SMPP connection is configured." : string.Join("; ", _connections.Select(c => c.Describe()));

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_connections.Count == 0)
        {
            return Task.CompletedTask; // registered in every server, idle without connections
        }

        _inboxLoop = Task.Run(InboxLoopAsync, CancellationToken.None);
        foreach (var connection in _connections)
        {
            connection.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_connections.Select(c => c.StopAsync(cancellationToken))).ConfigureAwait(false);
        _inbox.Writer.TryComplete();
        await _inboxLoop.WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Submits every delivery of the batch at once; each takes its parts' slots of the connection's
    /// <see cref="SmppConnection.Unrecorded"/> gate in turn (kept until the dispatcher has stored its outcome), so what
    /// is on the wire unrecorded never exceeds the window. Each delivery's task completes when all its parts are
    /// answered. A part that finds no bound session for half the dispatcher's lease gives up: the delivery comes back
    /// retryable, with the parts already acknowledged, so only the rest is submitted again (by any node).
    /// </summary>
    public IReadOnlyList<Task<SubmitResult>> Submit(IReadOnlyList<ClaimedDelivery> batch, CancellationToken cancellationToken)
    {
        var tasks = new Task<SubmitResult>[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            tasks[i] = SubmitOneAsync(batch[i], cancellationToken);
        }

        return tasks;
    }

    /// <inheritdoc />
    public bool Covers(string recipient) => Route(recipient) is not null;

    /// <summary>The connection whose longest prefix matches <paramref name="recipient"/>, or null.</summary>
    public SmppConnection? Route(string recipient)
    {
        var digits = Digits(recipient);
        foreach (var (prefix, connection) in _routes)
        {
            if (digits.StartsWith(prefix, StringComparison.Ordinal))
            {
                return connection;
            }
        }

        return null;
    }

    private async Task<SubmitResult> SubmitOneAsync(ClaimedDelivery d, CancellationToken cancellationToken)
    {
        var connection = Route(d.Recipient);
        if (connection is null)
        {
            return new SubmitResult(d.DeliveryId, false, null, LisolooErrorCodes.DestinationNotCovered,
                $"No SMPP connection covers {d.Recipient}.", null, 0);
        }

        if (!d.LeaseHeld)
        {
            return new SubmitResult(d.DeliveryId, false, null, null, null, null, 0, Retryable: true) { LeaseLost = true }; // another node may have it now
        }

        // The reference comes from the delivery, so a part submitted again carries the one its siblings have.
        var encoded = SmsEncoder.Encode(d.Body, connection.TextOptions, (ushort)d.DeliveryId);
        var total = encoded.Parts.Count;
        var toSend = 0;
        for (var p = 1; p <= total; p++)
        {
            toSend += d.AckedParts.Contains(p) ? 0 : 1;
        }

        // Slots for every part about to go on the wire, kept until the dispatcher has stored the outcome (see UnrecordedGate).
        UnrecordedGate.Hold hold;
        try
        {
            hold = await connection.Unrecorded.AcquireAsync(toSend, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return new SubmitResult(d.DeliveryId, false, null, null, null, null, 0, Retryable: true) { RetryNow = true }; // stopping: nothing went out
        }

        try
        {
            var result = await SubmitPartsAsync(d, connection, encoded, _options.Workers.Lease / 2, cancellationToken).ConfigureAwait(false);

            // Accepted: due again at its receipt deadline, unless a final receipt settles it first.
            return result with
            {
                Hold = hold,
                ReceiptAt = result.Accepted ? _time.GetUtcNow().ToUnixTimeMilliseconds() + (long)connection.Options.EffectiveReceiptDeadline.TotalMilliseconds : result.ReceiptAt,
            };
        }
        catch
        {
            hold.Dispose();
            throw;
        }
    }

    private static async Task<SubmitResult> SubmitPartsAsync(ClaimedDelivery d, SmppConnection connection, EncodedSms encoded, TimeSpan unboundPatience,
        CancellationToken cancellationToken)
    {
        var o = connection.Options;
        var total = encoded.Parts.Count;
        var parts = new List<(int Part, Task<SubmitSmRespPdu> Response)>(total);
        for (var p = 1; p <= total; p++)
        {
            if (!d.AckedParts.Contains(p))
            {
                parts.Add((p, connection.SubmitAsync(NewSubmit(d, o, encoded, p - 1), cancellationToken, unboundPatience, () => d.LeaseHeld)));
            }
        }

        var acked = new List<CarrierPart>(total);
        SmppStatusMap.Refusal? refusal = null;
        var unacknowledged = false;
        var abandoned = false;
        foreach (var (part, response) in parts)
        {
            try
            {
                var resp = await response.ConfigureAwait(false);
                if (resp.CommandStatus == CommandStatus.Ok)
                {
                    // An acknowledgement without an id is still an acknowledgement (never submitted again), but no
                    // receipt can name it: it gets an id of its own that no SMSC id looks like.
                    var id = string.IsNullOrWhiteSpace(resp.MessageId) ? $"-no-id-{d.DeliveryId}-{part}" : SmscMessageId.Normalize(resp.MessageId);
                    var raw = resp.MessageId?.Trim();
                    acked.Add(new CarrierPart(part, total, id) { RawId = string.IsNullOrEmpty(raw) || raw == id ? null : raw });
                }
                else
                {
                    var r = SmppStatusMap.Classify(resp.CommandStatus);
                    if (refusal is null || (refusal.Value.Retryable && !r.Retryable))
                    {
                        refusal = r; // a permanent refusal wins over a temporary one
                    }
                }
            }
            catch (OperationCanceledException)
            {
                unacknowledged = true;
            }
            catch (SmppRequestAbandonedException)
            {
                abandoned = true; // the lease ran out before this part went on the wire
            }
        }

        if (abandoned)
        {
            // Another node may have claimed the message meanwhile: it is left to that node, only the parts that went out recorded.
            return new SubmitResult(d.DeliveryId, false, null, null, null, null, 0, Retryable: true) { LeaseLost = true, Parts = acked, Route = connection.ReceiptScope };
        }

        if (refusal is { Retryable: true } last && d.Attempt >= o.MaxSubmitAttempts)
        {
            // The SMSC kept saying "not now" on every attempt this connection allows: the message fails, refunded.
            refusal = SmppStatusMap.GiveUp(last, d.Attempt);
        }

        if (refusal is { Retryable: false } permanent)
        {
            return new SubmitResult(d.DeliveryId, false, null, permanent.ErrorCode, permanent.Message, null, 0) { CarrierError = permanent.CarrierError };
        }

        if (refusal is null && unacknowledged && cancellationToken.IsCancellationRequested)
        {
            // The server is stopping: a part not acknowledged never went on the wire (once written, a part waits for its
            // answer whatever the token says) or went on a link that dropped unanswered (the documented at-least-once
            // edge), so the message is due again at once, on any node or after the restart, not after the retry delay.
            return new SubmitResult(d.DeliveryId, false, null, null, null, null, 0, Retryable: true)
            {
                Parts = acked,
                Route = connection.ReceiptScope,
                RetryNow = true,
            };
        }

        if (refusal is { } temporary || unacknowledged)
        {
            var message = refusal?.Message ?? "No SMPP session was bound in time for every part; the rest is submitted again.";
            return new SubmitResult(d.DeliveryId, false, null, refusal?.ErrorCode ?? LisolooErrorCodes.CarrierUnavailable, message, null, 0, Retryable: true)
            {
                Parts = acked,
                Route = connection.ReceiptScope,
                CarrierError = refusal?.CarrierError,
            };
        }

        return new SubmitResult(d.DeliveryId, true, acked.Count > 0 ? acked[0].CarrierId : null, null, null, null, 0)
        {
            Parts = acked,
            Route = connection.ReceiptScope,
        };
    }

    private static SubmitSmPdu NewSubmit(ClaimedDelivery d, SmppConnectionOptions o, EncodedSms encoded, int index)
    {
        var (sourceTon, sourceNpi, source) = SourceAddress(d.SenderId);
        return new SubmitSmPdu
        {
            SourceAddrTon = sourceTon,
            SourceAddrNpi = sourceNpi,
            SourceAddr = source,
            DestAddrTon = 1,
            DestAddrNpi = 1,
            DestinationAddr = Digits(d.Recipient),
            EsmClass = encoded.Udhi ? EsmUdhi : (byte)0,
            RegisteredDelivery = o.RegisteredDelivery,
            ValidityPeriod = o.ValidityPeriod is { } v ? RelativeTime(v) : string.Empty,
            DataCoding = encoded.DataCoding,
            ShortMessage = encoded.Parts[index],
        };
    }

    /// <summary>TON/NPI for a sender id: alphanumeric 5/0, a short code 3/0, an international number 1/1 (digits only), none 0/0.</summary>
    internal static (byte Ton, byte Npi, string Address) SourceAddress(string? senderId)
    {
        if (string.IsNullOrEmpty(senderId))
        {
            return (0, 0, string.Empty);
        }

        var numeric = senderId.TrimStart('+');
        if (numeric.Length == 0 || !numeric.All(char.IsAsciiDigit))
        {
            return (5, 0, senderId);
        }

        return senderId.StartsWith('+') || numeric.Length > 8 ? ((byte)1, (byte)1, numeric) : ((byte)3, (byte)0, numeric);
    }

    /// <summary>An SMPP relative time (<c>YYMMDDhhmmss000R</c>) for a validity period.</summary>
    internal static string RelativeTime(TimeSpan period)
    {
        var days = (int)period.TotalDays;
        return string.Create(CultureInfo.InvariantCulture, $"0000{days % 100:00}{period.Hours:00}{period.Minutes:00}{period.Seconds:00}000R");
    }

    // ------------------------------------------------------------------ receipts and inbound messages

    public async ValueTask<uint> OnDeliverSmAsync(SmppSession session, DeliverSmPdu pdu, CancellationToken cancellationToken)
    {
        var route = session.Route;
        var kind = pdu.EsmClass & EsmReceiptMask;
        InboxItem item;
        if (kind is 0x04 or 0x20)
        {
            if (ReadReceipt(pdu) is not { } receipt)
            {
                SmppLog.UnreadableReceipt(_logger, route, pdu.EsmClass);
                return CommandStatus.Ok; // asking for it again would bring the same bytes
            }

            item = new InboxItem(route, receipt, null, null);
        }
        else if (kind == 0)
        {
            var payload = pdu.TryGetTlv(TlvTag.MessagePayload, out var messagePayload) ? messagePayload.Value : pdu.ShortMessage;
            var packing = _connections.Find(c => c.Name == session.Connection)?.TextOptions.Packing ?? Gsm7Packing.Unpacked;
            var decoded = InboundDecoder.Decode(pdu.DataCoding, (pdu.EsmClass & EsmUdhi) != 0, payload, packing);
            var (reference, total, sequence) = decoded.Concatenation is { } c ? ((int?)c.Reference, (int)c.Total, (int)c.Sequence) : SarOf(pdu);
            var part = new InboundPart(route, pdu.SourceAddr, pdu.DestinationAddr, decoded.Text, reference, total, sequence);
            var key = _inbound.TryGetValue(Digits(pdu.DestinationAddr), out var k) ? k : (long?)null;
            if (key is null)
            {
                SmppLog.UnroutedInbound(_logger, route, pdu.DestinationAddr);
            }

            item = new InboxItem(route, null, part, key);
        }
        else
        {
            return CommandStatus.Ok; // SME acknowledgements: nothing to record
        }

        if (!_inbox.Writer.TryWrite(item))
        {
            return CommandStatus.ReceiverTemporaryAppError; // stopping: the SMSC will deliver it again
        }

        return await item.Stored.Task.WaitAsync(cancellationToken).ConfigureAwait(false) ? CommandStatus.Ok : CommandStatus.ReceiverTemporaryAppError;
    }

    private static (int? Reference, int Total, int Sequence) SarOf(DeliverSmPdu pdu) =>
        pdu.TryGetTlv(TlvTag.SarMsgRefNum, out var reference) && reference.TryGetUInt16(out var r)
            && pdu.TryGetTlv(TlvTag.SarTotalSegments, out var total) && total.TryGetByte(out var t)
            && pdu.TryGetTlv(TlvTag.SarSegmentSeqnum, out var sequence) && sequence.TryGetByte(out var q) && t > 1 && q >= 1 && q <= t
            ? (r, t, q)
            : (null, 1, 1);

    /// <summary>A receipt's id and state, from the TLVs when present, else from the standard text.</summary>
    internal static PartReceipt? ReadReceipt(DeliverSmPdu pdu)
    {
        string? id = null, state = null, stat = null, err = null;
        if (pdu.TryGetTlv(TlvTag.ReceiptedMessageId, out var receipted))
        {
            id = receipted.GetCString();
        }

        if (pdu.TryGetTlv(TlvTag.MessageState, out var messageState) && messageState.TryGetByte(out var value))
        {
            state = ReceiptStates.FromMessageState(value);
        }

        var text = pdu.ShortMessage.Length > 0 ? System.Text.Encoding.Latin1.GetString(pdu.ShortMessage)
            : pdu.TryGetTlv(TlvTag.MessagePayload, out var payload) ? System.Text.Encoding.Latin1.GetString(payload.Value) : string.Empty;
        if (DeliveryReceiptText.TryParse(text, out var parsed) && parsed is not null)
        {
            id ??= parsed.Id;
            stat = parsed.Stat;
            err = parsed.Error;
            state ??= ReceiptStates.FromStat(parsed.Stat);
        }

        if (string.IsNullOrWhiteSpace(id) || state is null)
        {
            return null;
        }

        var detail = stat is null ? null : err is null ? $"stat:{stat}" : $"stat:{stat} err:{err}";
        return new PartReceipt(SmscMessageId.Candidates(id), state, detail);
    }

    private async Task InboxLoopAsync()
    {
        var reader = _inbox.Reader;
        var batch = new List<InboxItem>(512);
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < 1000 && reader.TryRead(out var item))
            {
                batch.Add(item);
            }

            try
            {
                foreach (var group in batch.Where(i => i.Receipt is not null).GroupBy(i => i.Route))
                {
                    await _store.ApplyPartReceiptsAsync(group.Key, group.Select(i => i.Receipt!).ToList(), CancellationToken.None).ConfigureAwait(false);
                }

                var inbound = batch.Where(i => i.Inbound is not null).Select(i => (i.Inbound!, i.KeyId)).ToList();
                if (inbound.Count > 0)
                {
                    await _store.RecordInboundAsync(inbound, CancellationToken.None).ConfigureAwait(false);
                }

                _signals.EventsWaiting();
                foreach (var item in batch)
                {
                    item.Stored.TrySetResult(true);
                }
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                SmppLog.InboxFailed(_logger, batch.Count, ex);
                foreach (var item in batch)
                {
                    item.Stored.TrySetResult(false);
                }
            }
        }
    }

    private static string Digits(string address)
    {
        var start = address.StartsWith('+') ? 1 : 0;
        return address[start..].Trim();
    }

    private sealed record InboxItem(string Route, PartReceipt? Receipt, InboundPart? Inbound, long? KeyId)
    {
        public TaskCompletionSource<bool> Stored { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
