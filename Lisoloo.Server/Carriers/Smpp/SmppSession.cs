using System.Collections.Concurrent;
using System.Threading.Channels;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>
/// One SMPP 3.4 session over one stream: sequence numbers, a window of outstanding requests, response timeouts,
/// <c>enquire_link</c> keep-alive, answers to what the SMSC initiates (<c>enquire_link</c>, <c>unbind</c>,
/// <c>deliver_sm</c>), <c>generic_nack</c> for what cannot be parsed, and an orderly <c>unbind</c>. Writes go through
/// one loop that coalesces queued PDUs into one socket write. Any response timeout takes the link for dead: the
/// session closes and every request still waiting fails with <see cref="SmppLinkDownException"/>.
/// </summary>
internal sealed class SmppSession : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly SmppSessionSettings _settings;
    private readonly ISmppSessionHandler _handler;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<byte[]> _outbox = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<uint, Pending> _pending = new();
    private readonly SemaphoreSlim _window;
    private readonly CancellationTokenSource _closing = new();
    private readonly TaskCompletionSource<string> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private Task _reader = Task.CompletedTask;
    private Task _writer = Task.CompletedTask;
    private int _sequence;
    private int _closed;
    private int _windowed;
    private volatile bool _unbinding;
    private long _lastReceivedMs;
    private uint _enquireSequence;

    public SmppSession(string name, Stream stream, SmppSessionSettings settings, ISmppSessionHandler handler, TimeProvider time, ILogger logger)
    {
        Name = name;
        _stream = stream;
        _settings = settings;
        _handler = handler;
        _time = time;
        _logger = logger;
        _window = new SemaphoreSlim(settings.Window, int.MaxValue);
    }

    /// <summary>The connection's name and bind, for logs (<c>smsc/transceiver</c>).</summary>
    public string Name { get; }

    /// <summary>What receipts and inbound parts are keyed by: its connection's receipt scope (one per SMSC account).</summary>
    public string Route { get; init; } = string.Empty;

    /// <summary>The configured connection this session belongs to (its text settings; <see cref="Route"/> may be another's).</summary>
    public string Connection { get; init; } = string.Empty;

    /// <summary>Completes with the reason once the session has ended.</summary>
    public Task<string> Completion => _completion.Task;

    /// <summary>True until the session closes or starts unbinding.</summary>
    public bool IsOpen => Volatile.Read(ref _closed) == 0 && !_unbinding;

    /// <summary>Windowed requests (submits) waiting for their response.</summary>
    public int InFlight => Volatile.Read(ref _windowed);

    /// <summary>Starts reading, writing and the timers.</summary>
    public void Start()
    {
        _lastReceivedMs = NowMs;
        _reader = Task.Run(ReadLoopAsync);
        _writer = Task.Run(WriteLoopAsync);
        var tick = TimeSpan.FromTicks(Math.Clamp(Math.Min(_settings.ResponseTimeout.Ticks, _settings.EnquireLinkInterval.Ticks) / 4,
            TimeSpan.FromMilliseconds(20).Ticks, TimeSpan.FromSeconds(1).Ticks));
        _timer = _time.CreateTimer(_ => OnTick(), null, tick, tick);
    }

    /// <summary>Binds; throws <see cref="SmppBindException"/> when the SMSC refuses.</summary>
    public async Task<BindRespPdu> BindAsync(BindPdu bind, CancellationToken cancellationToken)
    {
        var response = await RequestAsync(bind, windowed: false, cancellationToken).ConfigureAwait(false);
        if (response is not BindRespPdu resp || response.CommandStatus != CommandStatus.Ok)
        {
            throw new SmppBindException(response.CommandStatus == CommandStatus.Ok ? CommandStatus.InvalidCommandId : response.CommandStatus);
        }

        return resp;
    }

    /// <summary>
    /// Submits one <c>submit_sm</c> within the window and returns its response (whatever its status; a
    /// <c>generic_nack</c> comes back as a <see cref="SubmitSmRespPdu"/> with the nack's status and no id).
    /// </summary>
    public async Task<SubmitSmRespPdu> SubmitAsync(SubmitSmPdu submit, CancellationToken cancellationToken, Func<bool>? stillWanted = null)
    {
        var response = await RequestAsync(submit, windowed: true, cancellationToken, stillWanted).ConfigureAwait(false);
        return response as SubmitSmRespPdu ?? new SubmitSmRespPdu { CommandStatus = response.CommandStatus == CommandStatus.Ok ? CommandStatus.SystemError : response.CommandStatus, MessageId = string.Empty };
    }

    /// <summary>
    /// Sends one <c>query_sm</c> within the window and returns its response (a <c>generic_nack</c>, from an SMSC that
    /// does not support the command, comes back as a <see cref="QuerySmRespPdu"/> with the nack's status and no body).
    /// </summary>
    public async Task<QuerySmRespPdu> QueryAsync(QuerySmPdu query, CancellationToken cancellationToken)
    {
        var response = await RequestAsync(query, windowed: true, cancellationToken).ConfigureAwait(false);
        return response as QuerySmRespPdu ?? new QuerySmRespPdu
        {
            CommandStatus = response.CommandStatus == CommandStatus.Ok ? CommandStatus.InvalidCommandId : response.CommandStatus,
        };
    }

    /// <summary>
    /// Sends a request and waits for its response. Once the request is queued the wait is bounded by the response
    /// timeout, not by <paramref name="cancellationToken"/>, so a window slot is never leaked. <paramref name="stillWanted"/>
    /// is asked once the window has room, right before the request is queued: false abandons it
    /// (<see cref="SmppRequestAbandonedException"/>), and nothing goes on the wire.
    /// </summary>
    public async Task<Pdu> RequestAsync(Pdu request, bool windowed, CancellationToken cancellationToken, Func<bool>? stillWanted = null)
    {
        if (windowed)
        {
            await _window.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (stillWanted?.Invoke() == false)
        {
            if (windowed)
            {
                _window.Release();
            }

            throw new SmppRequestAbandonedException();
        }

        if (Volatile.Read(ref _closed) != 0 || (_unbinding && windowed))
        {
            if (windowed)
            {
                _window.Release();
            }

            throw new SmppLinkDownException($"{Name}: the session is closed.");
        }

        var sequence = NextSequence();
        request.SequenceNumber = sequence;
        var pending = new Pending(windowed, NowMs + (long)_settings.ResponseTimeout.TotalMilliseconds);
        _pending[sequence] = pending;
        if (windowed)
        {
            Interlocked.Increment(ref _windowed);
        }

        if (!_outbox.Writer.TryWrite(PduCodec.Encode(request)))
        {
            Complete(sequence, null);
        }
        else if (Volatile.Read(ref _closed) != 0)
        {
            Complete(sequence, null); // closed meanwhile: FailAll may have run before the pending entry was added
        }

        return await pending.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Unbinds in order: no new submits, the outstanding ones are given <paramref name="drain"/> to be answered, then
    /// <c>unbind</c> is sent and answered (or timed out), and the session closes.
    /// </summary>
    public async Task UnbindAsync(TimeSpan drain, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        _unbinding = true;
        var deadline = NowMs + (long)drain.TotalMilliseconds;
        while (InFlight > 0 && NowMs < deadline && Volatile.Read(ref _closed) == 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(10), _time, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await RequestAsync(new UnbindPdu(), windowed: false, cancellationToken).ConfigureAwait(false);
        }
        catch (SmppLinkDownException)
        {
            // closed or timed out: nothing more to say to that SMSC
        }

        await CloseAsync("unbound").ConfigureAwait(false);
    }

    /// <summary>Closes at once: every request still waiting fails with <see cref="SmppLinkDownException"/>.</summary>
    public async Task CloseAsync(string reason)
    {
        Close(reason);
        await Task.WhenAll(_reader, _writer).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    public async ValueTask DisposeAsync()
    {
        await CloseAsync("disposed").ConfigureAwait(false);
        _closing.Dispose();
    }

    private long NowMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private uint NextSequence()
    {
        // 1 … 0x7FFFFFFF, then around again (SMPP 3.4 §5.1.4)
        var next = (uint)Interlocked.Increment(ref _sequence) & 0x7FFFFFFF;
        return next == 0 ? (uint)Interlocked.Increment(ref _sequence) & 0x7FFFFFFF : next;
    }

    private void Send(Pdu pdu)
    {
        if (!_outbox.Writer.TryWrite(PduCodec.Encode(pdu)))
        {
            SmppLog.DroppedWrite(_logger, Name, pdu.CommandId.ToString());
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
        var count = 0;
        var reason = "closed by the SMSC";
        try
        {
            while (true)
            {
                if (count == buffer.Length)
                {
                    Array.Resize(ref buffer, Math.Min(buffer.Length * 2, _settings.MaxPduSize + 16 * 1024));
                }

                var read = await _stream.ReadAsync(buffer.AsMemory(count), _closing.Token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                count += read;
                Volatile.Write(ref _lastReceivedMs, NowMs);
                var offset = 0;
                while (offset < count)
                {
                    var result = PduCodec.Decode(buffer.AsSpan(offset, count - offset), _settings.MaxPduSize);
                    if (result.Status == DecodeStatus.NeedMoreData)
                    {
                        break;
                    }

                    if (result.Status == DecodeStatus.FramingLost)
                    {
                        Send(new GenericNackPdu { CommandStatus = CommandStatus.InvalidCommandLength, SequenceNumber = result.SequenceNumber });
                        reason = "framing lost: " + result.Error;
                        SmppLog.FramingLost(_logger, Name, result.Error ?? "invalid command_length");
                        await FlushAndCloseAsync(reason).ConfigureAwait(false);
                        return;
                    }

                    offset += result.Consumed;
                    if (result.Status == DecodeStatus.Invalid)
                    {
                        OnInvalid(result);
                    }
                    else
                    {
                        Dispatch(result.Pdu!);
                    }
                }

                if (offset > 0)
                {
                    Buffer.BlockCopy(buffer, offset, buffer, 0, count - offset);
                    count -= offset;
                }
            }
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            reason = "closed";
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or System.Net.Sockets.SocketException)
        {
            reason = "read failed: " + ex.Message;
        }

        Close(reason);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _outbox.Reader;
        var batch = new MemoryStream(16 * 1024);
        try
        {
            while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                batch.SetLength(0);
                while (batch.Length < 64 * 1024 && reader.TryRead(out var bytes))
                {
                    batch.Write(bytes);
                }

                await _stream.WriteAsync(batch.GetBuffer().AsMemory(0, (int)batch.Length), _closing.Token).ConfigureAwait(false);
                await _stream.FlushAsync(_closing.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            Close("write failed: " + ex.Message);
        }
    }

    private void OnInvalid(DecodeResult result)
    {
        SmppLog.InvalidPdu(_logger, Name, result.CommandId, result.SequenceNumber, result.Error ?? CommandStatus.Name(result.ErrorStatus));
        if ((result.CommandId & 0x80000000) != 0)
        {
            // An answer we cannot read: the request's outcome is unknown, so it is treated like a lost link for it.
            Complete(result.SequenceNumber, null);
            return;
        }

        if (result.CommandId != (uint)CommandId.AlertNotification)
        {
            Send(new GenericNackPdu { CommandStatus = result.ErrorStatus, SequenceNumber = result.SequenceNumber });
        }
    }

    private void Dispatch(Pdu pdu)
    {
        if (pdu.IsResponse)
        {
            if (!Complete(pdu.SequenceNumber, pdu))
            {
                SmppLog.UnexpectedResponse(_logger, Name, pdu.CommandId.ToString(), pdu.SequenceNumber);
            }

            return;
        }

        switch (pdu)
        {
            case EnquireLinkPdu:
                Send(new EnquireLinkRespPdu { SequenceNumber = pdu.SequenceNumber });
                break;
            case UnbindPdu:
                Send(new UnbindRespPdu { SequenceNumber = pdu.SequenceNumber });
                _unbinding = true;
                _ = FlushAndCloseAsync("unbound by the SMSC");
                break;
            case DeliverSmPdu deliver:
                _ = AnswerDeliverAsync(deliver);
                break;
            default:
                Send(new GenericNackPdu { CommandStatus = CommandStatus.InvalidCommandId, SequenceNumber = pdu.SequenceNumber });
                break;
        }
    }

    private async Task AnswerDeliverAsync(DeliverSmPdu deliver)
    {
        uint status;
        try
        {
            status = await _handler.OnDeliverSmAsync(this, deliver, _closing.Token).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not stored: a temporary error makes the SMSC deliver it again.
            SmppLog.DeliverFailed(_logger, Name, ex);
            status = CommandStatus.ReceiverTemporaryAppError;
        }

        Send(new DeliverSmRespPdu { CommandStatus = status, SequenceNumber = deliver.SequenceNumber, MessageId = string.Empty });
    }

    /// <summary>Completes a waiting request with its response, or (null) with a link-down failure.</summary>
    private bool Complete(uint sequence, Pdu? response)
    {
        if (!_pending.TryRemove(sequence, out var pending))
        {
            return false;
        }

        if (pending.Windowed)
        {
            Interlocked.Decrement(ref _windowed);
            _window.Release();
        }

        if (response is null)
        {
            pending.Fail(new SmppLinkDownException($"{Name}: no usable response to request {sequence}."));
        }
        else
        {
            pending.Succeed(response);
        }

        return true;
    }

    private void OnTick()
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return;
        }

        var now = NowMs;
        foreach (var (sequence, pending) in _pending)
        {
            if (pending.DeadlineMs <= now)
            {
                SmppLog.ResponseTimeout(_logger, Name, sequence, _settings.ResponseTimeout);
                Close($"no response within {_settings.ResponseTimeout.TotalSeconds:0.###} s");
                return;
            }
        }

        if (!_unbinding && now - Volatile.Read(ref _lastReceivedMs) >= (long)_settings.EnquireLinkInterval.TotalMilliseconds
            && (_enquireSequence == 0 || !_pending.ContainsKey(_enquireSequence)))
        {
            var enquire = new EnquireLinkPdu();
            var task = RequestAsync(enquire, windowed: false, CancellationToken.None);
            _enquireSequence = enquire.SequenceNumber;
            _ = task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
        }
    }

    private async Task FlushAndCloseAsync(string reason)
    {
        _outbox.Writer.TryComplete();
        await _writer.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        Close(reason);
    }

    private void Close(string reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        _timer?.Dispose();
        _outbox.Writer.TryComplete();
        _closing.Cancel();
        try
        {
            _stream.Dispose();
        }
        catch (IOException)
        {
        }

        foreach (var sequence in _pending.Keys)
        {
            Complete(sequence, null);
        }

        _window.Release(1_000_000); // wake every submit waiting for a slot: each sees the session closed
        SmppLog.SessionClosed(_logger, Name, reason);
        _completion.TrySetResult(reason);
    }

    private sealed class Pending(bool windowed, long deadlineMs)
    {
        private readonly TaskCompletionSource<Pdu> _tcs = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Windowed { get; } = windowed;

        public long DeadlineMs { get; } = deadlineMs;

        public Task<Pdu> Task => _tcs.Task;

        public void Succeed(Pdu pdu) => _tcs.TrySetResult(pdu);

        public void Fail(Exception ex) => _tcs.TrySetException(ex);
    }
}
