using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Lisoloo.Server.Carriers.Smpp;
using Lisoloo.Server.Carriers.Smpp.Pdus;
using Lisoloo.Server.Configuration;
using Lisoloo.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// <see cref="SmppConnection"/> against <see cref="FakeSmsc"/>: binds (transceiver and pair), refused binds and the
/// reconnect backoff, resubmission after a dropped link, the throttling pause, the TPS limit and an orderly stop.
/// </summary>
[TestFixture]
public sealed class SmppConnectionTests
{
    private static readonly TimeSpan Deadline = FakeSmsc.DefaultTimeout;

    private readonly ConcurrentBag<CancellationTokenSource> _deadlines = [];
    private FakeSmsc _smsc = null!;
    private List<SmppConnection> _connections = null!;

    [SetUp]
    public void SetUp()
    {
        _smsc = new FakeSmsc();
        _connections = [];
    }

    [TearDown]
    public async Task TearDown()
    {
        // the fake goes first, so a connection still unbinding is not kept waiting for an unbind_resp
        await _smsc.DisposeAsync();
        foreach (var connection in _connections)
        {
            await connection.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        foreach (var deadline in _deadlines)
        {
            deadline.Dispose();
        }
    }

    [Test]
    public async Task It_binds_a_transceiver_and_reports_itself_bound()
    {
        var connection = Start(Options());
        Assert.That(connection.Describe(), Does.Contain("not bound"));

        var peer = await _smsc.AcceptAsync();
        var bind = await peer.AnswerBindAsync();
        await Wait.UntilAsync(() => connection.State == SmppConnectionState.Bound, Deadline, "the connection is bound");

        Assert.Multiple(() =>
        {
            Assert.That(bind.CommandId, Is.EqualTo(CommandId.BindTransceiver));
            Assert.That(bind.SystemId, Is.EqualTo("lisoloo"));
            Assert.That(bind.Password, Is.EqualTo("secret"));
            Assert.That(connection.Describe(), Does.Contain("bound (transceiver)").And.Contain($"127.0.0.1:{_smsc.Port}"));
            Assert.That(_smsc.AcceptedCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_refused_bind_is_retried_with_a_growing_backoff_until_the_SMSC_accepts()
    {
        var options = Options();
        var connection = Start(options);

        var attempts = new List<FakeSmscPeer>();
        for (var i = 0; i < 4; i++)
        {
            var peer = await _smsc.AcceptAsync();
            attempts.Add(peer);
            await peer.AnswerBindAsync(CommandStatus.InvalidPassword);
            await peer.WaitForDisconnectAsync(); // a refused session is closed before the next attempt
            if (i == 0)
            {
                await Wait.UntilAsync(() => connection.Describe().Contains("ESME_RINVPASWD", StringComparison.Ordinal), Deadline, "Describe names the refusal");
                Assert.Multiple(() =>
                {
                    Assert.That(connection.State, Is.Not.EqualTo(SmppConnectionState.Bound));
                    Assert.That(connection.Describe(), Does.Contain("not bound"));
                });
            }
        }

        var delay = options.ReconnectDelay;
        var firstToThird = Stopwatch.GetElapsedTime(attempts[0].AcceptedAt, attempts[2].AcceptedAt);
        var thirdToFourth = Stopwatch.GetElapsedTime(attempts[2].AcceptedAt, attempts[3].AcceptedAt);
        Assert.Multiple(() =>
        {
            Assert.That(firstToThird, Is.GreaterThanOrEqualTo(delay * (1 + 2) * 0.8), "two waits of ReconnectDelay and twice it, minus jitter");
            Assert.That(thirdToFourth, Is.GreaterThanOrEqualTo(delay * 4 * 0.8), "the backoff doubled again");
            Assert.That(connection.Reconnects, Is.GreaterThanOrEqualTo(3));
        });

        var accepted = await _smsc.AcceptAsync();
        await accepted.AnswerBindAsync();
        await Wait.UntilAsync(() => connection.State == SmppConnectionState.Bound, Deadline, "bound once the SMSC accepts");
        Assert.That(connection.Describe(), Does.Contain("bound (transceiver)"));
    }

    [Test]
    public async Task Pair_mode_binds_a_transmitter_and_a_receiver_on_two_sockets()
    {
        var options = Options();
        options.Binds = SmppBindMode.Pair;
        var connection = Start(options);

        var first = await _smsc.AcceptAsync();
        var transmitter = await first.AnswerBindAsync();
        var second = await _smsc.AcceptAsync();
        var receiver = await second.AnswerBindAsync();
        await Wait.UntilAsync(() => connection.State == SmppConnectionState.Bound, Deadline, "the pair is bound");

        Assert.Multiple(() =>
        {
            Assert.That(transmitter.CommandId, Is.EqualTo(CommandId.BindTransmitter));
            Assert.That(receiver.CommandId, Is.EqualTo(CommandId.BindReceiver));
            Assert.That(receiver.SystemId, Is.EqualTo("lisoloo"));
            Assert.That(first, Is.Not.SameAs(second));
            Assert.That(connection.Describe(), Does.Contain("transmitter + receiver"));
        });

        // submits go on the transmitter's socket
        var submitting = connection.SubmitAsync(Submit("243990000001"), Cancel(Deadline));
        var submit = await first.ReceiveAsync<SubmitSmPdu>();
        await first.SendAsync(new SubmitSmRespPdu { SequenceNumber = submit.SequenceNumber, MessageId = "tx-1" });
        Assert.That((await submitting.WaitAsync(Deadline)).MessageId, Is.EqualTo("tx-1"));
        Assert.That(await second.TryReceiveAsync(TimeSpan.FromMilliseconds(50)), Is.Null, "nothing went to the receiver");
    }

    [Test]
    public async Task A_submit_left_unanswered_by_a_dropped_link_is_submitted_again_on_the_next_session()
    {
        var connection = Start(Options());
        var firstPeer = await _smsc.AcceptAsync();
        await firstPeer.AnswerBindAsync();

        var part = Submit("243990000042", "part 1/2");
        var submitting = connection.SubmitAsync(part, Cancel(TimeSpan.FromSeconds(10)));
        var lost = await firstPeer.ReceiveAsync<SubmitSmPdu>();
        firstPeer.Close();

        var secondPeer = await _smsc.AcceptAsync();
        await secondPeer.AnswerBindAsync();
        var again = await secondPeer.ReceiveAsync<SubmitSmPdu>();
        Assert.That(submitting.IsCompleted, Is.False, "the call waits for an acknowledged submit");
        await secondPeer.SendAsync(new SubmitSmRespPdu { SequenceNumber = again.SequenceNumber, MessageId = "after-drop" });
        var response = await submitting.WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(response.MessageId, Is.EqualTo("after-drop"));
            Assert.That(response.CommandStatus, Is.EqualTo(CommandStatus.Ok));
            Assert.That(again.DestinationAddr, Is.EqualTo(lost.DestinationAddr));
            Assert.That(again.ShortMessage, Is.EqualTo(lost.ShortMessage));
            Assert.That(Encoding.ASCII.GetString(again.ShortMessage), Is.EqualTo("part 1/2"));
            Assert.That(connection.Reconnects, Is.GreaterThanOrEqualTo(1));
        });
    }

    [Test]
    public async Task An_ESME_RTHROTTLED_answer_pauses_then_submits_the_same_part_again()
    {
        var options = Options();
        options.ThrottleDelay = TimeSpan.FromMilliseconds(200);
        var connection = Start(options);
        var peer = await _smsc.AcceptAsync();
        await peer.AnswerBindAsync();

        var submitting = connection.SubmitAsync(Submit("243990000007", "hello"), Cancel(TimeSpan.FromSeconds(10)));
        var first = await peer.ReceiveAsync<SubmitSmPdu>();
        var throttledAt = Stopwatch.GetTimestamp();
        await peer.SendAsync(new SubmitSmRespPdu { SequenceNumber = first.SequenceNumber, CommandStatus = CommandStatus.Throttled });
        var retry = await peer.ReceiveEntryAsync();
        var pause = Stopwatch.GetElapsedTime(throttledAt, retry.Timestamp);
        var second = (SubmitSmPdu)retry.Pdu!;
        await peer.SendAsync(new SubmitSmRespPdu { SequenceNumber = second.SequenceNumber, MessageId = "after-pause" });
        var response = await submitting.WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(pause, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(150)), "resubmitted before the throttle delay");
            Assert.That(second.DestinationAddr, Is.EqualTo(first.DestinationAddr));
            Assert.That(second.ShortMessage, Is.EqualTo(first.ShortMessage));
            Assert.That(response.MessageId, Is.EqualTo("after-pause"));
            Assert.That(connection.ThrottledCount, Is.EqualTo(1));
        });
    }

    [Test]
    public async Task A_TPS_limit_spreads_submits_over_time()
    {
        var options = Options();
        options.Tps = 20;
        options.Window = 2;
        var connection = Start(options);
        var peer = await _smsc.AcceptAsync();
        await peer.AnswerBindAsync();
        await Wait.UntilAsync(() => connection.State == SmppConnectionState.Bound, Deadline, "bound");
        var counter = 0;
        peer.Responder = pdu => pdu is SubmitSmPdu submit
            ? new SubmitSmRespPdu { SequenceNumber = submit.SequenceNumber, MessageId = "id-" + Interlocked.Increment(ref counter) }
            : null;

        var submits = Enumerable.Range(1, 10).Select(i => connection.SubmitAsync(Submit($"2439900000{i:00}"), Cancel(TimeSpan.FromSeconds(10)))).ToArray();
        var seen = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            seen.Add((await peer.ReceiveEntryAsync()).Timestamp);
        }

        await Task.WhenAll(submits).WaitAsync(Deadline);
        var spread = Stopwatch.GetElapsedTime(seen[0], seen[^1]);

        // 20/s is 50 ms apart; a burst of about one window goes at once, the rest is paced: (10 - 2 - 1) × 50 ms = 350 ms
        Assert.That(spread, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(280)), "the submits were not spread at 20/s");
    }

    [Test]
    public async Task StopAsync_unbinds_and_does_not_reconnect()
    {
        var connection = Start(Options());
        var peer = await _smsc.AcceptAsync();
        await peer.AnswerBindAsync();
        await Wait.UntilAsync(() => connection.State == SmppConnectionState.Bound, Deadline, "bound");

        var stopping = connection.StopAsync(CancellationToken.None);
        var unbind = await peer.ReceiveAsync<UnbindPdu>();
        await peer.SendAsync(new UnbindRespPdu { SequenceNumber = unbind.SequenceNumber });
        await stopping.WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(connection.State, Is.EqualTo(SmppConnectionState.Stopped));
            Assert.That(connection.Describe(), Does.Contain("stopped"));
        });
        await peer.WaitForDisconnectAsync();
        Assert.That(await _smsc.TryAcceptAsync(TimeSpan.FromMilliseconds(500)), Is.Null, "it reconnected after StopAsync");
        Assert.That(connection.State, Is.EqualTo(SmppConnectionState.Stopped));
    }

    [Test]
    public async Task StopAsync_during_a_bind_the_SMSC_then_accepts_still_unbinds_and_returns()
    {
        var connection = Start(Options());
        var peer = await _smsc.AcceptAsync();
        var bind = await peer.ReceiveAsync<BindPdu>();

        peer.AutoAnswerEnquireLink = true;
        peer.Responder = pdu => pdu is UnbindPdu unbind ? new UnbindRespPdu { SequenceNumber = unbind.SequenceNumber } : null;
        var stopping = connection.StopAsync(CancellationToken.None);
        await peer.SendAsync(new BindRespPdu(CommandId.BindTransceiverResp) { SequenceNumber = bind.SequenceNumber, SystemId = "FAKESMSC" });

        Assert.That(async () => await stopping.WaitAsync(TimeSpan.FromSeconds(3)), Throws.Nothing, "StopAsync hung: the session bound after the stop was left up");
        Assert.That(connection.State, Is.EqualTo(SmppConnectionState.Stopped));
        await peer.WaitForDisconnectAsync();
    }

    [Test]
    public async Task A_submit_while_the_transmitter_is_unbinding_returns_to_its_caller_at_once()
    {
        var options = Options();
        options.DrainTimeout = TimeSpan.FromSeconds(2);
        var connection = Start(options);
        var peer = await _smsc.AcceptAsync();
        await peer.AnswerBindAsync();
        await Wait.UntilAsync(() => connection.State == SmppConnectionState.Bound, Deadline, "bound");

        // one submit outstanding keeps StopAsync draining (the session is unbinding, not closed) for up to 2 s
        var outstanding = connection.SubmitAsync(Submit("243990000001"), Cancel(TimeSpan.FromSeconds(10)));
        var held = await peer.ReceiveAsync<SubmitSmPdu>();
        var stopping = connection.StopAsync(CancellationToken.None);

        // SubmitAsync must hand back a waiting task, not spin on the caller's thread until the session closes
        var late = Cancel(TimeSpan.FromMilliseconds(300));
        var call = Task.Run(() =>
        {
            var watch = Stopwatch.StartNew();
            var task = connection.SubmitAsync(Submit("243990000002"), late);
            return (Task: task, Returned: watch.Elapsed);
        });
        var (submit, returned) = await call.WaitAsync(Deadline);
        Assert.That(returned, Is.LessThan(TimeSpan.FromMilliseconds(200)), "SubmitAsync blocked its caller while the transmitter was unbinding");
        Assert.That(async () => await submit.WaitAsync(Deadline), Throws.InstanceOf<OperationCanceledException>());

        await peer.SendAsync(new SubmitSmRespPdu { SequenceNumber = held.SequenceNumber, MessageId = "held" });
        var unbind = await peer.ReceiveAsync<UnbindPdu>();
        await peer.SendAsync(new UnbindRespPdu { SequenceNumber = unbind.SequenceNumber });
        await stopping.WaitAsync(Deadline);
        Assert.That((await outstanding.WaitAsync(Deadline)).MessageId, Is.EqualTo("held"));
    }

    private SmppConnection Start(SmppConnectionOptions options, ISmppSessionHandler? handler = null)
    {
        var connection = new SmppConnection(options, handler ?? new RecordingSessionHandler(), TimeProvider.System, NullLogger.Instance);
        _connections.Add(connection);
        connection.Start();
        return connection;
    }

    private SmppConnectionOptions Options() => new()
    {
        Name = "fake",
        Host = "127.0.0.1",
        Port = _smsc.Port,
        SystemId = "lisoloo",
        Password = "secret",
        Window = 3,
        ResponseTimeout = TimeSpan.FromSeconds(1),
        EnquireLinkInterval = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(2),
        ReconnectDelay = TimeSpan.FromMilliseconds(50),
        ReconnectMaxDelay = TimeSpan.FromMilliseconds(400),
        ThrottleDelay = TimeSpan.FromMilliseconds(200),
        DrainTimeout = TimeSpan.FromSeconds(1),
    };

    private static SubmitSmPdu Submit(string destination, string text = "hello") => new()
    {
        SourceAddr = "Lisoloo",
        DestinationAddr = destination,
        RegisteredDelivery = 1,
        ShortMessage = Encoding.ASCII.GetBytes(text),
    };

    private CancellationToken Cancel(TimeSpan after)
    {
        var source = new CancellationTokenSource(after);
        _deadlines.Add(source);
        return source.Token;
    }
}
