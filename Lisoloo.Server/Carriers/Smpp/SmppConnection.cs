using System.Net.Sockets;
using Lisoloo.Server.Carriers.Smpp.Pdus;
using Lisoloo.Server.Carriers.Smpp.Text;
using Lisoloo.Server.Configuration;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>
/// One configured SMSC: keeps its binds up (one transceiver, or a transmitter and a receiver), reconnects with
/// exponential backoff and jitter after a drop or a refused bind, paces submits (TPS limit; a pause after
/// <c>ESME_RTHROTTLED</c>/<c>ESME_RMSGQFUL</c>), and resubmits on the next session what a dropped link left
/// unacknowledged.
/// </summary>
internal sealed class SmppConnection : IAsyncDisposable
{
    private readonly SmppConnectionOptions _options;
    private readonly ISmppSessionHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly object _gate = new();
    private TaskCompletionSource<SmppSession> _transmitter = NewSignal();
    private SmppSession? _tx;
    private SmppSession? _rx;
    private Task _loop = Task.CompletedTask;
    private long _pausedUntilMs;
    private long _nextSlotTicks;
    private string _lastError = "not connected yet";

    /// <summary>A connection to the SMSC of <paramref name="options"/>; <paramref name="receiptScope"/> is its <see cref="ReceiptScope"/> (its own name when null).</summary>
    public SmppConnection(SmppConnectionOptions options, ISmppSessionHandler handler, TimeProvider time, ILogger logger, string? receiptScope = null)
    {
        ReceiptScope = receiptScope ?? options.Name;
        _options = options;
        _handler = handler;
        _time = time;
        _logger = logger;
        Unrecorded = new UnrecordedGate(options.MaxUnrecorded > 0 ? options.MaxUnrecorded : options.Window);
        TextOptions = new SmppTextOptions(
            string.Equals(options.Gsm7, "packed", StringComparison.OrdinalIgnoreCase) ? Gsm7Packing.Packed : Gsm7Packing.Unpacked,
            string.Equals(options.Concatenation, "16bit", StringComparison.OrdinalIgnoreCase) ? ConcatenationReference.SixteenBit : ConcatenationReference.EightBit);
    }

    public string Name => _options.Name;

    /// <summary>
    /// The name under which this connection's parts are stored and its receipts matched: the first configured
    /// connection to the same SMSC account (host, port, system_id). An SMSC may deliver a receipt on any bind of the
    /// account, so several connections to one account share their message ids.
    /// </summary>
    public string ReceiptScope { get; }

    public SmppConnectionOptions Options => _options;

    /// <summary>
    /// Parts submitted on this connection whose outcome is not stored yet, at most <see cref="SmppConnectionOptions.MaxUnrecorded"/>
    /// (by default the window):
    /// the bound on what a crash can make this SMSC see twice (see <see cref="UnrecordedGate"/>).
    /// </summary>
    public UnrecordedGate Unrecorded { get; }

    /// <summary>How this connection encodes text (<see cref="SmppConnectionOptions.Gsm7"/> and <see cref="SmppConnectionOptions.Concatenation"/>, read once).</summary>
    public SmppTextOptions TextOptions { get; }

    public SmppConnectionState State { get; private set; } = SmppConnectionState.Connecting;

    /// <summary>Submits answered with <c>ESME_RTHROTTLED</c> or <c>ESME_RMSGQFUL</c> and resubmitted (for tests and metrics).</summary>
    public long ThrottledCount => Interlocked.Read(ref _throttled);

    private long _throttled;

    /// <summary>Reconnections after a drop (for tests and metrics).</summary>
    public long Reconnects => Interlocked.Read(ref _reconnects);

    private long _reconnects;

    /// <summary>A human line for <c>/health</c>.</summary>
    public string Describe() => State switch
    {
        SmppConnectionState.Bound => $"{Name}: bound ({(_options.Binds == SmppBindMode.Pair ? "transmitter + receiver" : "transceiver")}) to {_options.Host}:{_options.Port}, window {_options.Window}"
            + (_options.Tps > 0 ? $", {_options.Tps}/s" : string.Empty),
        SmppConnectionState.Stopped => $"{Name}: stopped",
        _ => $"{Name}: not bound to {_options.Host}:{_options.Port} ({_lastError})",
    };

    /// <summary>Starts keeping the binds up.</summary>
    public void Start() => _loop = Task.Run(RunAsync);

    /// <summary>
    /// Submits one part and returns the SMSC's answer. A dropped link, a response timeout or a throttling answer (up to
    /// <c>ThrottleRetries</c> in a row) do not end the call: the part waits for the next session (or the end of the
    /// pause) and is submitted again, until
    /// <paramref name="cancellationToken"/> gives up, or no session is bound for <paramref name="unboundPatience"/> at a
    /// stretch (then <see cref="OperationCanceledException"/>, and the caller treats the part as not acknowledged: it is
    /// not on the wire, so it may be tried again later, on any node). <paramref name="stillWanted"/> is asked before
    /// each try and once the window has room: false ends the call with <see cref="SmppRequestAbandonedException"/>
    /// before the part goes on the wire (again).
    /// </summary>
    public async Task<SubmitSmRespPdu> SubmitAsync(SubmitSmPdu submit, CancellationToken cancellationToken, TimeSpan? unboundPatience = null, Func<bool>? stillWanted = null)
    {
        var throttled = 0;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (stillWanted?.Invoke() == false)
            {
                throw new SmppRequestAbandonedException(); // before waiting for a session or a pause: nothing went out
            }

            var session = await WaitForTransmitterAsync(unboundPatience ?? Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
            await PaceAsync(cancellationToken).ConfigureAwait(false);
            SubmitSmRespPdu response;
            try
            {
                response = await session.SubmitAsync(submit, cancellationToken, stillWanted).ConfigureAwait(false);
            }
            catch (SmppLinkDownException)
            {
                continue; // unacknowledged: again on the next session
            }

            if (response.CommandStatus is CommandStatus.Throttled or CommandStatus.MessageQueueFull && ++throttled <= _options.ThrottleRetries) // then a temporary refusal
            {
                Interlocked.Increment(ref _throttled);
                var until = NowMs + (long)_options.ThrottleDelay.TotalMilliseconds;
                if (Interlocked.Exchange(ref _pausedUntilMs, until) < NowMs)
                {
                    SmppLog.Throttled(_logger, Name, CommandStatus.Name(response.CommandStatus), _options.ThrottleDelay);
                }

                continue;
            }

            return response;
        }
    }

    /// <summary>
    /// Asks the SMSC about a message (<c>query_sm</c>) on the transmitting session, within the TPS limit. Null when no
    /// session was bound within <paramref name="unboundPatience"/>, or the link dropped before the answer: nothing was
    /// learnt. Otherwise the SMSC's answer, a refusal (<c>ESME_RQUERYFAIL</c>, <c>ESME_RINVCMDID</c>) included.
    /// </summary>
    public async Task<QuerySmRespPdu?> QueryAsync(QuerySmPdu query, TimeSpan unboundPatience, CancellationToken cancellationToken)
    {
        try
        {
            var session = await WaitForTransmitterAsync(unboundPatience, cancellationToken).ConfigureAwait(false);
            await PaceAsync(cancellationToken).ConfigureAwait(false);
            return await session.QueryAsync(query, cancellationToken).ConfigureAwait(false);
        }
        catch (SmppLinkDownException)
        {
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // no session bound in time
        }
    }

    /// <summary>Unbinds in order (in-flight submits drained) and stops reconnecting.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        SmppLog.Unbinding(_logger, Name);
        _stopping.Cancel();
        SmppSession? tx, rx;
        lock (_gate)
        {
            (tx, rx) = (_tx, _rx);
        }

        var unbinds = new List<Task>();
        if (tx is not null)
        {
            unbinds.Add(tx.UnbindAsync(_options.DrainTimeout, cancellationToken));
        }

        if (rx is not null && !ReferenceEquals(rx, tx))
        {
            unbinds.Add(rx.UnbindAsync(_options.DrainTimeout, cancellationToken));
        }

        await Task.WhenAll(unbinds).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        State = SmppConnectionState.Stopped;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await StopAsync(CancellationToken.None).ConfigureAwait(false);
        }

        _stopping.Dispose();
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private static TaskCompletionSource<SmppSession> NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task<SmppSession> WaitForTransmitterAsync(TimeSpan patience, CancellationToken cancellationToken)
    {
        var giveUpAt = patience == Timeout.InfiniteTimeSpan ? long.MaxValue : NowMs + (long)patience.TotalMilliseconds;
        while (true)
        {
            Task wait;
            lock (_gate)
            {
                if (_tx is { IsOpen: true } tx)
                {
                    return tx;
                }

                // A transmitter that is unbinding or closing: wait for it to end (the run loop then installs a fresh
                // signal), rather than spinning on the signal it already completed.
                wait = _tx is { } ending ? ending.Completion : _transmitter.Task;
            }

            var left = giveUpAt - NowMs;
            if (left <= 0)
            {
                throw new OperationCanceledException($"{Name}: no session was bound for {patience}.");
            }

            try
            {
                await (giveUpAt == long.MaxValue ? wait.WaitAsync(cancellationToken) : wait.WaitAsync(TimeSpan.FromMilliseconds(left), _time, cancellationToken)).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                throw new OperationCanceledException($"{Name}: no session was bound for {patience}.");
            }
        }
    }

    /// <summary>Waits out a throttling pause, then takes the next slot of the TPS limit (evenly spaced; after a quiet spell at most window + 1 go at once).</summary>
    private async Task PaceAsync(CancellationToken cancellationToken)
    {
        var pause = Interlocked.Read(ref _pausedUntilMs) - NowMs;
        if (pause > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(pause), _time, cancellationToken).ConfigureAwait(false);
        }

        if (_options.Tps <= 0)
        {
            return;
        }

        var interval = TimeSpan.TicksPerSecond / _options.Tps;
        var now = _time.GetUtcNow().UtcTicks;
        long slot;
        while (true)
        {
            var next = Interlocked.Read(ref _nextSlotTicks);
            slot = Math.Max(next, now - (interval * Math.Max(1, _options.Window)));
            if (Interlocked.CompareExchange(ref _nextSlotTicks, slot + interval, next) == next)
            {
                break;
            }
        }

        if (slot > now)
        {
            await Task.Delay(TimeSpan.FromTicks(slot - now), _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RunAsync()
    {
        var delay = _options.ReconnectDelay;
        var stopping = _stopping.Token;
        while (!stopping.IsCancellationRequested)
        {
            State = SmppConnectionState.Connecting;
            var boundAt = 0L;
            try
            {
                var (tx, rx) = await ConnectAndBindAsync(stopping).ConfigureAwait(false);
                boundAt = NowMs;
                lock (_gate)
                {
                    (_tx, _rx) = (tx, rx);
                    _transmitter.TrySetResult(tx);
                }

                State = SmppConnectionState.Bound;
                var stopped = Task.Delay(Timeout.InfiniteTimeSpan, _time, stopping);
                var ended = await Task.WhenAny(tx.Completion, rx.Completion, stopped).ConfigureAwait(false);
                if (ended == stopped)
                {
                    // Stopping while (or just after) binding: StopAsync may not have seen these sessions, so unbind here.
                    await Task.WhenAll(tx.UnbindAsync(_options.DrainTimeout, CancellationToken.None),
                        ReferenceEquals(rx, tx) ? Task.CompletedTask : rx.UnbindAsync(_options.DrainTimeout, CancellationToken.None)).ConfigureAwait(false);
                    break;
                }

                _lastError = "link lost: " + await ((Task<string>)ended).ConfigureAwait(false);
                await Task.WhenAll(tx.CloseAsync("the other session of the pair ended"), rx.CloseAsync("the other session of the pair ended")).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is SmppBindException or SmppLinkDownException or SocketException or IOException or TimeoutException or OperationCanceledException)
            {
                _lastError = ex is OperationCanceledException ? "connect timed out" : ex.Message;
            }

            lock (_gate)
            {
                _tx = _rx = null;
                if (_transmitter.Task.IsCompleted)
                {
                    _transmitter = NewSignal();
                }
            }

            if (stopping.IsCancellationRequested)
            {
                break;
            }

            State = SmppConnectionState.Disconnected;
            Interlocked.Increment(ref _reconnects);

            // A session that stayed up a while earns a fresh start; one that keeps dropping at once backs off further.
            if (boundAt != 0 && NowMs - boundAt >= Math.Min(10_000, (long)_options.ReconnectMaxDelay.TotalMilliseconds))
            {
                delay = _options.ReconnectDelay;
            }

            var wait = TimeSpan.FromMilliseconds(delay.TotalMilliseconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
            SmppLog.ConnectFailed(_logger, Name, _lastError, wait);
            try
            {
                await Task.Delay(wait, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.ReconnectMaxDelay.Ticks));
        }

        State = SmppConnectionState.Stopped;
    }

    private async Task<(SmppSession Tx, SmppSession Rx)> ConnectAndBindAsync(CancellationToken stopping)
    {
        if (_options.Binds == SmppBindMode.Transceiver)
        {
            var session = await OpenAsync(CommandId.BindTransceiver, "transceiver", stopping).ConfigureAwait(false);
            return (session, session);
        }

        var tx = await OpenAsync(CommandId.BindTransmitter, "transmitter", stopping).ConfigureAwait(false);
        try
        {
            var rx = await OpenAsync(CommandId.BindReceiver, "receiver", stopping).ConfigureAwait(false);
            return (tx, rx);
        }
        catch
        {
            await tx.CloseAsync("the receiver bind failed").ConfigureAwait(false);
            throw;
        }
    }

    private async Task<SmppSession> OpenAsync(CommandId bind, string kind, CancellationToken stopping)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(_options.ConnectTimeout);
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        SmppSession? session = null;
        try
        {
            await client.ConnectAsync(_options.Host, _options.Port, timeout.Token).ConfigureAwait(false);
            var settings = new SmppSessionSettings(Math.Max(1, _options.Window), _options.ResponseTimeout, _options.EnquireLinkInterval);
            session = new SmppSession($"{Name}/{kind}", new NetworkStream(client, ownsSocket: true), settings, _handler, _time, _logger) { Route = ReceiptScope, Connection = Name };
            session.Start();
            await session.BindAsync(new BindPdu(bind)
            {
                SystemId = _options.SystemId,
                Password = _options.Password,
                SystemType = _options.SystemType,
                AddressRange = _options.AddressRange,
            }, timeout.Token).ConfigureAwait(false);
            SmppLog.Bound(_logger, session.Name, _options.Host, _options.Port, _options.SystemId);
            return session;
        }
        catch
        {
            if (session is not null)
            {
                await session.CloseAsync("bind failed").ConfigureAwait(false);
            }
            else
            {
                client.Dispose();
            }

            throw;
        }
    }
}
