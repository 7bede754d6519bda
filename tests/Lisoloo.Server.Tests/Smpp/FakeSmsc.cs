using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Lisoloo.Server.Carriers.Smpp;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// A socket-level fake SMSC (in the manner of Npgsql's PgPostmasterMock): a listener on 127.0.0.1 and an ephemeral
/// port that accepts every connection; each accepted connection is a <see cref="FakeSmscPeer"/> the test scripts PDU by
/// PDU. Disposing it closes the listener and every accepted socket.
/// </summary>
internal sealed class FakeSmsc : IAsyncDisposable
{
    /// <summary>How long a wait for something the test expects may take before it fails.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(5);

    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Channel<FakeSmscPeer> _accepted = Channel.CreateUnbounded<FakeSmscPeer>();
    private readonly List<FakeSmscPeer> _peers = [];
    private readonly Task _acceptLoop;
    private int _disposed;

    public FakeSmsc()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    /// <summary>Connections accepted so far.</summary>
    public int AcceptedCount
    {
        get
        {
            lock (_peers)
            {
                return _peers.Count;
            }
        }
    }

    /// <summary>Peers accepted from now on answer <c>enquire_link</c> themselves (and do not queue it).</summary>
    public bool AutoAnswerEnquireLink { get; set; }

    /// <summary>The next accepted connection, in accept order; fails after <paramref name="timeout"/>.</summary>
    public async Task<FakeSmscPeer> AcceptAsync(TimeSpan? timeout = null)
    {
        var within = timeout ?? DefaultTimeout;
        return await TryAcceptAsync(within).ConfigureAwait(false)
            ?? throw new TimeoutException($"The fake SMSC saw no connection within {within.TotalSeconds:0.###} s.");
    }

    /// <summary>The next accepted connection, or null when none comes within <paramref name="within"/>.</summary>
    public async Task<FakeSmscPeer?> TryAcceptAsync(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            return await _accepted.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _listener.Stop();
        await _acceptLoop.WaitAsync(DefaultTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        FakeSmscPeer[] peers;
        lock (_peers)
        {
            peers = [.. _peers];
        }

        foreach (var peer in peers)
        {
            await peer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task AcceptLoopAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync().ConfigureAwait(false);
                socket.NoDelay = true;
                var peer = new FakeSmscPeer(socket, AutoAnswerEnquireLink);
                lock (_peers)
                {
                    _peers.Add(peer);
                }

                _accepted.Writer.TryWrite(peer);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or InvalidOperationException)
        {
            // the listener stopped
        }
        finally
        {
            _accepted.Writer.TryComplete();
        }
    }
}

/// <summary>One PDU the fake SMSC read, with when it arrived (<see cref="Stopwatch.GetTimestamp"/>).</summary>
/// <param name="Pdu">The PDU, or null when it could not be decoded (see <paramref name="Result"/>).</param>
/// <param name="Result">What <see cref="PduCodec.Decode"/> made of it.</param>
/// <param name="Timestamp">When its last byte was read.</param>
internal sealed record ReceivedPdu(Pdu? Pdu, DecodeResult Result, long Timestamp);

/// <summary>
/// One connection accepted by <see cref="FakeSmsc"/>: a background loop reads PDUs with <see cref="PduCodec.Decode"/>
/// into a queue the test reads with deadlines; the test sends PDUs or raw bytes and closes the socket when it likes.
/// </summary>
internal sealed class FakeSmscPeer : IAsyncDisposable
{
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Channel<ReceivedPdu> _received = Channel.CreateUnbounded<ReceivedPdu>();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _readLoop;
    private int _autoAnswered;

    public FakeSmscPeer(Socket socket, bool autoAnswerEnquireLink)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        AutoAnswerEnquireLink = autoAnswerEnquireLink;
        AcceptedAt = Stopwatch.GetTimestamp();
        _readLoop = Task.Run(ReadLoopAsync);
    }

    /// <summary>When the connection was accepted (<see cref="Stopwatch.GetTimestamp"/>).</summary>
    public long AcceptedAt { get; }

    /// <summary>Completes once the client closed (or reset) the connection, or this side closed it.</summary>
    public Task Disconnected => _disconnected.Task;

    /// <summary>Answers <c>enquire_link</c> at once, without queueing it.</summary>
    public bool AutoAnswerEnquireLink { get; set; }

    /// <summary><c>enquire_link</c> answered by <see cref="AutoAnswerEnquireLink"/>.</summary>
    public int AutoAnsweredEnquireLinks => Volatile.Read(ref _autoAnswered);

    /// <summary>
    /// Called for each PDU read (still queued); a non-null result is sent back at once. For answers the test does not
    /// want to script one by one.
    /// </summary>
    public Func<Pdu, Pdu?>? Responder { get; set; }

    /// <summary>The next PDU read, decodable or not; fails after <paramref name="timeout"/> or when the connection ends.</summary>
    public async Task<ReceivedPdu> ReceiveEntryAsync(TimeSpan? timeout = null)
    {
        var within = timeout ?? FakeSmsc.DefaultTimeout;
        using var deadline = new CancellationTokenSource(within);
        try
        {
            return await _received.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"The fake SMSC read no PDU within {within.TotalSeconds:0.###} s.");
        }
        catch (ChannelClosedException)
        {
            throw new IOException("The connection ended before the fake SMSC read another PDU.");
        }
    }

    /// <summary>The next PDU read, which must be decodable.</summary>
    public async Task<Pdu> ReceiveAsync(TimeSpan? timeout = null)
    {
        var entry = await ReceiveEntryAsync(timeout).ConfigureAwait(false);
        return entry.Pdu ?? throw new AssertionException(
            $"The fake SMSC read an undecodable PDU 0x{entry.Result.CommandId:X8}: {entry.Result.Status} {entry.Result.Error}");
    }

    /// <summary>The next PDU read, which must be a <typeparamref name="T"/>.</summary>
    public async Task<T> ReceiveAsync<T>(TimeSpan? timeout = null)
        where T : Pdu
    {
        var pdu = await ReceiveAsync(timeout).ConfigureAwait(false);
        return pdu as T ?? throw new AssertionException($"The fake SMSC expected a {typeof(T).Name} and read {pdu}.");
    }

    /// <summary>The next PDU read within <paramref name="within"/>, or null when none comes (or the connection ended).</summary>
    public async Task<ReceivedPdu?> TryReceiveAsync(TimeSpan within)
    {
        using var deadline = new CancellationTokenSource(within);
        try
        {
            return await _received.Reader.ReadAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException)
        {
            return null;
        }
    }

    /// <summary>Reads a bind and answers it with the matching bind response and <paramref name="status"/>.</summary>
    public async Task<BindPdu> AnswerBindAsync(uint status = CommandStatus.Ok, TimeSpan? timeout = null)
    {
        var bind = await ReceiveAsync<BindPdu>(timeout).ConfigureAwait(false);
        await SendAsync(new BindRespPdu((CommandId)((uint)bind.CommandId | Pdu.ResponseBit))
        {
            CommandStatus = status,
            SequenceNumber = bind.SequenceNumber,
            SystemId = status == CommandStatus.Ok ? "FAKESMSC" : string.Empty,
        }).ConfigureAwait(false);
        return bind;
    }

    public Task SendAsync(Pdu pdu) => SendRawAsync(PduCodec.Encode(pdu));

    /// <summary>Writes <paramref name="bytes"/> in one socket write.</summary>
    public async Task SendRawAsync(ReadOnlyMemory<byte> bytes)
    {
        await _sendLock.WaitAsync().ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(bytes).ConfigureAwait(false);
            await _stream.FlushAsync().ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    /// <summary>Waits until the client closed the connection; fails after <paramref name="timeout"/>.</summary>
    public async Task WaitForDisconnectAsync(TimeSpan? timeout = null)
    {
        var within = timeout ?? FakeSmsc.DefaultTimeout;
        try
        {
            await Disconnected.WaitAsync(within).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The client did not close the connection within {within.TotalSeconds:0.###} s.");
        }
    }

    /// <summary>Closes the socket (the client sees the connection end).</summary>
    public void Close() => _socket.Close();

    public async ValueTask DisposeAsync()
    {
        Close();
        await _readLoop.WaitAsync(FakeSmsc.DefaultTimeout).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _sendLock.Dispose();
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[PduCodec.DefaultMaxPduSize + 4096];
        var count = 0;
        try
        {
            while (true)
            {
                var read = await _stream.ReadAsync(buffer.AsMemory(count)).ConfigureAwait(false);
                if (read == 0)
                {
                    return;
                }

                count += read;
                var offset = 0;
                while (offset < count)
                {
                    var result = PduCodec.Decode(buffer.AsSpan(offset, count - offset));
                    if (result.Status == DecodeStatus.NeedMoreData)
                    {
                        break;
                    }

                    var entry = new ReceivedPdu(result.Pdu, result, Stopwatch.GetTimestamp());
                    if (result.Status == DecodeStatus.FramingLost)
                    {
                        _received.Writer.TryWrite(entry);
                        return;
                    }

                    offset += result.Consumed;
                    await OnReceivedAsync(entry).ConfigureAwait(false);
                }

                Buffer.BlockCopy(buffer, offset, buffer, 0, count - offset);
                count -= offset;
            }
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException)
        {
            // the connection ended
        }
        finally
        {
            _disconnected.TrySetResult(); // first, so whoever sees the queue end sees the disconnect
            _received.Writer.TryComplete();
        }
    }

    private async Task OnReceivedAsync(ReceivedPdu entry)
    {
        if (entry.Pdu is EnquireLinkPdu enquire && AutoAnswerEnquireLink)
        {
            Interlocked.Increment(ref _autoAnswered);
            await SendAsync(new EnquireLinkRespPdu { SequenceNumber = enquire.SequenceNumber }).ConfigureAwait(false);
            return;
        }

        _received.Writer.TryWrite(entry);
        if (entry.Pdu is not null && Responder?.Invoke(entry.Pdu) is { } answer)
        {
            await SendAsync(answer).ConfigureAwait(false);
        }
    }
}

/// <summary>An <see cref="ISmppSessionHandler"/> that records each <c>deliver_sm</c> and answers as <see cref="Answer"/> says.</summary>
internal sealed class RecordingSessionHandler : ISmppSessionHandler
{
    /// <summary>The status returned for each deliver_sm (may throw, to play a failing store).</summary>
    public Func<DeliverSmPdu, uint> Answer { get; set; } = _ => CommandStatus.Ok;

    public ConcurrentQueue<DeliverSmPdu> Delivered { get; } = new();

    public ValueTask<uint> OnDeliverSmAsync(SmppSession session, DeliverSmPdu pdu, CancellationToken cancellationToken)
    {
        Delivered.Enqueue(pdu);
        return ValueTask.FromResult(Answer(pdu));
    }
}
