using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Lisoloo.Server.Carriers.Smpp;
using Lisoloo.Server.Carriers.Smpp.Pdus;
using Microsoft.Extensions.Logging.Abstractions;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// <see cref="SmppSession"/> over a real loopback socket against <see cref="FakeSmsc"/>, which the tests script PDU by
/// PDU: bind, window, sequence matching, keep-alive, timeouts, generic_nack, deliver_sm answers, unbind and seeded
/// fuzzing of what the SMSC may send.
/// </summary>
[TestFixture]
public sealed class SmppSessionTests
{
    private static readonly TimeSpan Deadline = FakeSmsc.DefaultTimeout;

    private FakeSmsc _smsc = null!;
    private List<SmppSession> _sessions = null!;

    [SetUp]
    public void SetUp()
    {
        _smsc = new FakeSmsc();
        _sessions = [];
    }

    [TearDown]
    public async Task TearDown()
    {
        foreach (var session in _sessions)
        {
            await session.DisposeAsync();
        }

        await _smsc.DisposeAsync();
    }

    [Test]
    public async Task Bind_sends_bind_transceiver_with_the_credentials_and_completes_on_ESME_ROK()
    {
        var (session, peer) = await OpenAsync();

        var binding = session.BindAsync(new BindPdu(CommandId.BindTransceiver) { SystemId = "lisoloo", Password = "secret" }, CancellationToken.None);
        var bind = await peer.ReceiveAsync<BindPdu>();
        Assert.Multiple(() =>
        {
            Assert.That(bind.CommandId, Is.EqualTo(CommandId.BindTransceiver));
            Assert.That(bind.SystemId, Is.EqualTo("lisoloo"));
            Assert.That(bind.Password, Is.EqualTo("secret"));
            Assert.That(bind.InterfaceVersion, Is.EqualTo(BindPdu.Version34));
            Assert.That(bind.SequenceNumber, Is.Not.Zero);
            Assert.That(binding.IsCompleted, Is.False, "the bind waits for its response");
        });

        await peer.SendAsync(new BindRespPdu(CommandId.BindTransceiverResp) { SequenceNumber = bind.SequenceNumber, SystemId = "FAKESMSC" });
        var response = await binding.WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(response.SystemId, Is.EqualTo("FAKESMSC"));
            Assert.That(response.CommandStatus, Is.EqualTo(CommandStatus.Ok));
            Assert.That(session.IsOpen, Is.True);
        });
    }

    [TestCase(false, TestName = "A_refused_bind_throws_SmppBindException_with_the_SMSC_status")]
    [TestCase(true, TestName = "A_refused_bind_without_a_body_throws_SmppBindException_with_the_SMSC_status")]
    public async Task A_refused_bind_throws_SmppBindException_with_the_SMSC_status(bool headerOnly)
    {
        var (session, peer) = await OpenAsync();

        var binding = session.BindAsync(new BindPdu(CommandId.BindTransceiver) { SystemId = "lisoloo", Password = "wrong" }, CancellationToken.None);
        var bind = await peer.ReceiveAsync<BindPdu>();
        if (headerOnly)
        {
            await peer.SendRawAsync(Header(16, (uint)CommandId.BindTransceiverResp, CommandStatus.InvalidPassword, bind.SequenceNumber));
        }
        else
        {
            await peer.SendAsync(new BindRespPdu(CommandId.BindTransceiverResp) { CommandStatus = CommandStatus.InvalidPassword, SequenceNumber = bind.SequenceNumber });
        }

        var thrown = await CatchAsync<SmppBindException>(binding);
        Assert.That(thrown.Status, Is.EqualTo(CommandStatus.InvalidPassword));
        Assert.That(thrown.Message, Does.Contain("ESME_RINVPASWD"));
    }

    [Test]
    public async Task With_a_window_of_3_five_concurrent_submits_put_3_on_the_wire_until_one_is_answered()
    {
        var (session, peer) = await OpenAsync(Settings(window: 3, responseTimeout: TimeSpan.FromSeconds(10)));

        var submits = Enumerable.Range(1, 5).Select(i => session.SubmitAsync(Submit($"24399000000{i}"), CancellationToken.None)).ToArray();
        var onWire = new List<SubmitSmPdu>();
        for (var i = 0; i < 3; i++)
        {
            onWire.Add(await peer.ReceiveAsync<SubmitSmPdu>());
        }

        Assert.That(await peer.TryReceiveAsync(TimeSpan.FromMilliseconds(300)), Is.Null, "a 4th submit_sm went while 3 were unanswered");
        Assert.That(session.InFlight, Is.EqualTo(3));

        await peer.SendAsync(Answer(onWire[1], "id-b"));
        onWire.Add(await peer.ReceiveAsync<SubmitSmPdu>());
        Assert.That(await peer.TryReceiveAsync(TimeSpan.FromMilliseconds(200)), Is.Null, "a 5th submit_sm went while 3 were unanswered");

        await peer.SendAsync(Answer(onWire[0], "id-a"));
        onWire.Add(await peer.ReceiveAsync<SubmitSmPdu>());
        foreach (var submit in onWire.Skip(2))
        {
            await peer.SendAsync(Answer(submit, "id-" + submit.DestinationAddr));
        }

        var responses = await Task.WhenAll(submits).WaitAsync(Deadline);
        Assert.Multiple(() =>
        {
            Assert.That(onWire.Select(s => s.DestinationAddr), Is.Unique, "each submit went once");
            Assert.That(responses.Select(r => r.CommandStatus), Is.All.EqualTo(CommandStatus.Ok));
            Assert.That(session.InFlight, Is.Zero);
        });
    }

    [Test]
    public async Task Responses_are_matched_by_sequence_number_even_when_answered_out_of_order()
    {
        var (session, peer) = await OpenAsync(Settings(window: 10, responseTimeout: TimeSpan.FromSeconds(10)));

        var destinations = Enumerable.Range(1, 6).Select(i => $"2439900001{i:00}").ToArray();
        var submits = destinations.Select(d => session.SubmitAsync(Submit(d), CancellationToken.None)).ToArray();
        var onWire = new List<SubmitSmPdu>();
        for (var i = 0; i < destinations.Length; i++)
        {
            onWire.Add(await peer.ReceiveAsync<SubmitSmPdu>());
        }

        Assert.That(onWire.Select(s => s.SequenceNumber), Is.Unique.And.All.Not.Zero);

        // answered in reverse, odd ones first, each with an id naming its destination
        foreach (var submit in onWire.AsEnumerable().Reverse().Where((_, i) => i % 2 == 1).Concat(onWire.AsEnumerable().Reverse().Where((_, i) => i % 2 == 0)))
        {
            await peer.SendAsync(Answer(submit, "id-" + submit.DestinationAddr));
        }

        var responses = await Task.WhenAll(submits).WaitAsync(Deadline);
        Assert.That(responses.Select(r => r.MessageId), Is.EqualTo(destinations.Select(d => "id-" + d)));
    }

    [Test]
    public async Task The_SMSCs_enquire_link_is_answered_with_the_same_sequence()
    {
        var (session, peer) = await OpenAsync();

        await peer.SendAsync(new EnquireLinkPdu { SequenceNumber = 0x12345 });
        var answer = await peer.ReceiveAsync<EnquireLinkRespPdu>();

        Assert.Multiple(() =>
        {
            Assert.That(answer.SequenceNumber, Is.EqualTo(0x12345u));
            Assert.That(answer.CommandStatus, Is.EqualTo(CommandStatus.Ok));
            Assert.That(session.IsOpen, Is.True);
        });
    }

    [Test]
    public async Task The_SMSCs_unbind_is_answered_with_unbind_resp_and_the_session_completes()
    {
        var (session, peer) = await OpenAsync();

        await peer.SendAsync(new UnbindPdu { SequenceNumber = 77 });
        var answer = await peer.ReceiveAsync<UnbindRespPdu>();
        var reason = await session.Completion.WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(answer.SequenceNumber, Is.EqualTo(77u));
            Assert.That(answer.CommandStatus, Is.EqualTo(CommandStatus.Ok));
            Assert.That(reason, Does.Contain("unbound"));
            Assert.That(session.IsOpen, Is.False);
        });
        await peer.WaitForDisconnectAsync();
    }

    [Test]
    public async Task An_idle_session_sends_enquire_link_after_the_interval_and_an_answered_one_keeps_it_open()
    {
        var (session, peer) = await OpenAsync(Settings(responseTimeout: TimeSpan.FromMilliseconds(500), enquireLinkInterval: TimeSpan.FromMilliseconds(300)));
        var opened = Stopwatch.GetTimestamp();

        var sequences = new List<uint>();
        for (var i = 0; i < 3; i++)
        {
            var enquire = await peer.ReceiveAsync<EnquireLinkPdu>(TimeSpan.FromSeconds(3));
            sequences.Add(enquire.SequenceNumber);
            if (i == 0)
            {
                Assert.That(Stopwatch.GetElapsedTime(opened), Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(240)), "enquire_link before the link was idle for the interval");
            }

            await peer.SendAsync(new EnquireLinkRespPdu { SequenceNumber = enquire.SequenceNumber });
        }

        Assert.Multiple(() =>
        {
            Assert.That(sequences, Is.Unique.And.All.Not.Zero);
            Assert.That(Stopwatch.GetElapsedTime(opened), Is.GreaterThan(TimeSpan.FromMilliseconds(500)), "the session outlived one response timeout");
            Assert.That(session.IsOpen, Is.True, "answered enquire_links keep the session open");
            Assert.That(session.Completion.IsCompleted, Is.False);
        });
    }

    [Test]
    public async Task An_unanswered_enquire_link_closes_the_session_after_the_response_timeout_and_fails_pending_requests_as_link_down()
    {
        var (session, peer) = await OpenAsync(Settings(responseTimeout: TimeSpan.FromMilliseconds(500), enquireLinkInterval: TimeSpan.FromMilliseconds(300)));

        await peer.ReceiveAsync<EnquireLinkPdu>(TimeSpan.FromSeconds(3));
        var enquired = Stopwatch.GetTimestamp();

        // A submit issued 300 ms into the enquire_link's 500 ms: the close must come from the enquire_link's timeout,
        // so the submit fails well before its own would (a scripted gap, not a wait for an outcome).
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        var submitted = Stopwatch.GetTimestamp();
        await CatchAsync<SmppLinkDownException>(session.SubmitAsync(Submit("243990000001"), CancellationToken.None));
        var failed = Stopwatch.GetTimestamp();
        var reason = await session.Completion.WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(reason, Does.Contain("no response"));
            Assert.That(Stopwatch.GetElapsedTime(enquired, failed), Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(350)), "closed before the response timeout");
            Assert.That(Stopwatch.GetElapsedTime(submitted, failed), Is.LessThan(TimeSpan.FromMilliseconds(450)), "the submit failed by its own timeout, not the enquire_link's");
            Assert.That(session.IsOpen, Is.False);
        });
        await peer.WaitForDisconnectAsync();
    }

    [Test]
    public async Task A_submit_without_response_closes_the_session_and_fails_waiting_requests_as_link_down()
    {
        var (session, peer) = await OpenAsync(Settings(window: 2, responseTimeout: TimeSpan.FromMilliseconds(500)));

        var started = Stopwatch.GetTimestamp();
        var first = session.SubmitAsync(Submit("243990000001"), CancellationToken.None);
        var second = session.SubmitAsync(Submit("243990000002"), CancellationToken.None);
        var waitingForSlot = session.SubmitAsync(Submit("243990000003"), CancellationToken.None);
        await peer.ReceiveAsync<SubmitSmPdu>();
        await peer.ReceiveAsync<SubmitSmPdu>();

        await CatchAsync<SmppLinkDownException>(first);
        var failedAfter = Stopwatch.GetElapsedTime(started);
        await CatchAsync<SmppLinkDownException>(second);
        await CatchAsync<SmppLinkDownException>(waitingForSlot);
        var reason = await session.Completion.WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(failedAfter, Is.GreaterThanOrEqualTo(TimeSpan.FromMilliseconds(400)), "failed before the response timeout");
            Assert.That(reason, Does.Contain("no response"));
            Assert.That(session.InFlight, Is.Zero, "window slots were released");
        });
        await peer.WaitForDisconnectAsync();

        // every later submit fails at once instead of waiting for a window slot
        for (var i = 0; i < 5; i++)
        {
            await CatchAsync<SmppLinkDownException>(session.SubmitAsync(Submit("243990000004"), CancellationToken.None), TimeSpan.FromSeconds(1));
        }
    }

    [Test]
    public async Task A_body_missing_its_NULs_is_answered_with_generic_nack_and_the_session_stays_open()
    {
        var handler = new RecordingSessionHandler();
        var (session, peer) = await OpenAsync(handler: handler);

        // deliver_sm whose service_type never ends: a valid header, a body without a single NUL
        await peer.SendRawAsync(RawPdu((uint)CommandId.DeliverSm, 0, 4242, Encoding.ASCII.GetBytes("CMTABCDEFGHIJ")));
        var nack = await peer.ReceiveAsync<GenericNackPdu>();
        Assert.Multiple(() =>
        {
            Assert.That(nack.SequenceNumber, Is.EqualTo(4242u));
            Assert.That(nack.CommandStatus, Is.Not.EqualTo(CommandStatus.Ok));
            Assert.That(handler.Delivered, Is.Empty, "an unreadable deliver_sm never reaches the handler");
        });

        await AssertEnquireLinkRoundTripAsync(session, peer);
    }

    [TestCase(0x0000_1234u)]
    [TestCase((uint)CommandId.DataSm)]
    [TestCase((uint)CommandId.QuerySm)]
    public async Task An_unknown_command_is_answered_with_generic_nack_ESME_RINVCMDID_and_the_session_stays_open(uint commandId)
    {
        var (session, peer) = await OpenAsync();

        await peer.SendRawAsync(RawPdu(commandId, 0, 31, [0, 0, 0, 0]));
        var nack = await peer.ReceiveAsync<GenericNackPdu>();
        Assert.Multiple(() =>
        {
            Assert.That(nack.SequenceNumber, Is.EqualTo(31u));
            Assert.That(nack.CommandStatus, Is.EqualTo(CommandStatus.InvalidCommandId));
        });

        await AssertEnquireLinkRoundTripAsync(session, peer);
    }

    [TestCase(8u)]
    [TestCase(0x7FFF_FFFFu)]
    public async Task A_command_length_outside_the_limits_is_answered_with_generic_nack_ESME_RINVCMDLEN_and_closes_the_session(uint commandLength)
    {
        var (session, peer) = await OpenAsync();

        await peer.SendRawAsync(Header(commandLength, (uint)CommandId.EnquireLink, 0, 55));
        var nack = await peer.ReceiveAsync<GenericNackPdu>();
        var reason = await session.Completion.WaitAsync(Deadline);

        Assert.Multiple(() =>
        {
            Assert.That(nack.CommandStatus, Is.EqualTo(CommandStatus.InvalidCommandLength));
            Assert.That(nack.SequenceNumber, Is.EqualTo(55u));
            Assert.That(reason, Does.Contain("framing lost"));
        });
        await peer.WaitForDisconnectAsync();
    }

    [Test]
    public async Task A_deliver_sm_goes_to_the_handler_and_its_status_comes_back_in_deliver_sm_resp()
    {
        var handler = new RecordingSessionHandler { Answer = d => d.SourceAddr == "243990000009" ? CommandStatus.ReceiverPermanentAppError : CommandStatus.Ok };
        var (session, peer) = await OpenAsync(handler: handler);

        await peer.SendAsync(Deliver(601, "243990000008", "hello"));
        var accepted = await peer.ReceiveAsync<DeliverSmRespPdu>();
        await peer.SendAsync(Deliver(602, "243990000009", "refused"));
        var refused = await peer.ReceiveAsync<DeliverSmRespPdu>();

        Assert.Multiple(() =>
        {
            Assert.That(accepted.SequenceNumber, Is.EqualTo(601u));
            Assert.That(accepted.CommandStatus, Is.EqualTo(CommandStatus.Ok));
            Assert.That(refused.SequenceNumber, Is.EqualTo(602u));
            Assert.That(refused.CommandStatus, Is.EqualTo(CommandStatus.ReceiverPermanentAppError));
            Assert.That(handler.Delivered.Select(d => (d.SourceAddr, Encoding.ASCII.GetString(d.ShortMessage))),
                Is.EqualTo(new[] { ("243990000008", "hello"), ("243990000009", "refused") }));
            Assert.That(session.IsOpen, Is.True);
        });
    }

    [Test]
    public async Task A_handler_that_throws_answers_deliver_sm_resp_ESME_RX_T_APPN()
    {
        var handler = new RecordingSessionHandler { Answer = _ => throw new InvalidOperationException("the store is down") };
        var (session, peer) = await OpenAsync(handler: handler);

        await peer.SendAsync(Deliver(700, "243990000008", "hello"));
        var answer = await peer.ReceiveAsync<DeliverSmRespPdu>();

        Assert.Multiple(() =>
        {
            Assert.That(answer.SequenceNumber, Is.EqualTo(700u));
            Assert.That(answer.CommandStatus, Is.EqualTo(CommandStatus.ReceiverTemporaryAppError));
            Assert.That(answer.CommandStatus, Is.EqualTo(0x64u));
        });
        await AssertEnquireLinkRoundTripAsync(session, peer);
    }

    [Test]
    public async Task Unbind_waits_for_outstanding_submits_then_sends_unbind_and_completes_on_unbind_resp()
    {
        var (session, peer) = await OpenAsync(Settings(window: 3, responseTimeout: TimeSpan.FromSeconds(10)));
        var first = session.SubmitAsync(Submit("243990000001"), CancellationToken.None);
        var second = session.SubmitAsync(Submit("243990000002"), CancellationToken.None);
        var a = await peer.ReceiveAsync<SubmitSmPdu>();
        var b = await peer.ReceiveAsync<SubmitSmPdu>();

        var unbinding = session.UnbindAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.That(session.IsOpen, Is.False, "an unbinding session takes no more submits");
        await CatchAsync<SmppLinkDownException>(session.SubmitAsync(Submit("243990000003"), CancellationToken.None), TimeSpan.FromSeconds(1));
        Assert.That(await peer.TryReceiveAsync(TimeSpan.FromMilliseconds(300)), Is.Null, "unbind went (or a new submit did) while 2 submits were unanswered");

        await peer.SendAsync(Answer(b, "id-b"));
        Assert.That(await peer.TryReceiveAsync(TimeSpan.FromMilliseconds(150)), Is.Null, "unbind went while a submit was unanswered");
        await peer.SendAsync(Answer(a, "id-a"));
        var unbind = await peer.ReceiveAsync<UnbindPdu>();
        Assert.Multiple(() =>
        {
            Assert.That(first.Result.MessageId, Is.EqualTo("id-a"), "answered before unbind went");
            Assert.That(second.Result.MessageId, Is.EqualTo("id-b"));
            Assert.That(unbinding.IsCompleted, Is.False, "unbind waits for unbind_resp");
        });

        await peer.SendAsync(new UnbindRespPdu { SequenceNumber = unbind.SequenceNumber });
        await unbinding.WaitAsync(Deadline);
        Assert.That(await session.Completion.WaitAsync(Deadline), Does.Contain("unbound"));
        await peer.WaitForDisconnectAsync();
    }

    [Test]
    public async Task A_peer_that_closes_the_socket_completes_the_session_and_fails_pending_requests_as_link_down()
    {
        var (session, peer) = await OpenAsync(Settings(window: 1, responseTimeout: TimeSpan.FromSeconds(10)));
        var inFlight = session.SubmitAsync(Submit("243990000001"), CancellationToken.None);
        var waitingForSlot = session.SubmitAsync(Submit("243990000002"), CancellationToken.None);
        await peer.ReceiveAsync<SubmitSmPdu>();

        var closed = Stopwatch.GetTimestamp();
        peer.Close();

        await CatchAsync<SmppLinkDownException>(inFlight);
        await CatchAsync<SmppLinkDownException>(waitingForSlot);
        await session.Completion.WaitAsync(Deadline);
        Assert.Multiple(() =>
        {
            Assert.That(Stopwatch.GetElapsedTime(closed), Is.LessThan(TimeSpan.FromSeconds(5)), "failed by the close, not by the 10 s response timeout");
            Assert.That(session.IsOpen, Is.False);
            Assert.That(session.InFlight, Is.Zero);
        });
    }

    [Test]
    public async Task Fuzzed_streams_from_the_SMSC_leave_the_session_answering_or_closed_never_hung()
    {
        const int Streams = 200;
        var random = new Random(20_250_314);
        var valid = PeerPdus();
        var outcomes = new Dictionary<string, int>();
        for (var n = 0; n < Streams; n++)
        {
            var stream = FuzzStream(random, valid);
            var expected = Simulate(stream);
            var outcome = await RunFuzzStreamAsync(n, stream, expected, random);
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }

        TestContext.Out.WriteLine(string.Join(", ", outcomes.Select(o => $"{o.Key}: {o.Value}")));
        Assert.That(outcomes.Keys, Is.SupersetOf(new[] { "answered", "framing lost" }), "the fuzzer reached both outcomes");
    }

    private async Task<string> RunFuzzStreamAsync(int n, byte[] stream, Expectation expected, Random random)
    {
        var settings = Settings(window: 2, responseTimeout: TimeSpan.FromSeconds(2), enquireLinkInterval: TimeSpan.FromSeconds(30));
        var (session, peer) = await OpenAsync(settings);
        var what = $"stream {n} ({stream.Length} bytes: {SmppHex.Format(stream.AsSpan(0, Math.Min(stream.Length, 64)))}…), expected {expected.Outcome}";

        // in one to three writes, so PDUs also arrive split
        var cut1 = random.Next(stream.Length + 1);
        var cut2 = random.Next(cut1, stream.Length + 1);
        try
        {
            await peer.SendRawAsync(stream.AsMemory(0, cut1));
            await peer.SendRawAsync(stream.AsMemory(cut1, cut2 - cut1));
            await peer.SendRawAsync(stream.AsMemory(cut2));
        }
        catch (IOException) when (expected.Outcome != "answered")
        {
            // the session already closed on the first part, as it should
        }

        const uint Probe = 0x7ABC_DEF0;
        if (expected.Outcome == "answered")
        {
            await peer.SendAsync(new EnquireLinkPdu { SequenceNumber = Probe });
            var answers = new List<Pdu>();
            while (true)
            {
                var pdu = await peer.ReceiveAsync(Deadline).ConfigureAwait(false);
                if (pdu is EnquireLinkRespPdu { SequenceNumber: Probe })
                {
                    break;
                }

                if (pdu.IsResponse)
                {
                    answers.Add(pdu);
                }
            }

            Assert.Multiple(() =>
            {
                Assert.That(answers.Select(a => a.SequenceNumber), Is.EquivalentTo(expected.AnsweredSequences), $"one answer to each request: {what}");
                Assert.That(session.IsOpen, Is.True, what);
            });
            return expected.Outcome;
        }

        // "framing lost" or "unbound": the session answers what came before, answers the last one, and closes
        var sent = new List<Pdu>();
        var deadline = Stopwatch.StartNew();
        while (await peer.TryReceiveAsync(TimeSpan.FromTicks(Math.Max(1, (Deadline - deadline.Elapsed).Ticks))) is { } entry)
        {
            Assert.That(entry.Pdu, Is.Not.Null, what);
            sent.Add(entry.Pdu!);
        }

        Assert.That(peer.Disconnected.IsCompleted, Is.True, $"the session neither closed nor answered: {what}");
        var reason = await session.Completion.WaitAsync(Deadline);
        var responses = sent.Where(p => p.IsResponse).ToList();
        Assert.That(responses, Is.Not.Empty, what);
        var last = responses[^1];
        Assert.Multiple(() =>
        {
            if (expected.Outcome == "unbound")
            {
                Assert.That(last, Is.TypeOf<UnbindRespPdu>().And.Property(nameof(Pdu.SequenceNumber)).EqualTo(expected.UnbindSequence), what);
            }
            else
            {
                Assert.That(last, Is.TypeOf<GenericNackPdu>().And.Property(nameof(Pdu.CommandStatus)).EqualTo(CommandStatus.InvalidCommandLength), what);
                Assert.That(reason, Does.Contain("framing lost"), what);
            }

            Assert.That(responses.SkipLast(1).Select(a => a.SequenceNumber), Is.EquivalentTo(expected.AnsweredSequences), $"one answer to each request: {what}");
            Assert.That(session.IsOpen, Is.False, what);
        });
        return expected.Outcome;
    }

    /// <summary>One to four chunks: random bytes (half of them with a plausible header) and valid PDUs, mutated or not.</summary>
    private static byte[] FuzzStream(Random random, byte[][] valid)
    {
        var bytes = new List<byte>();
        var chunks = random.Next(1, 5);
        for (var c = 0; c < chunks; c++)
        {
            switch (random.Next(10))
            {
                case 0 or 1:
                {
                    var chunk = new byte[random.Next(1, 60)];
                    random.NextBytes(chunk);
                    if (chunk.Length >= 16 && random.Next(2) == 0)
                    {
                        BinaryPrimitives.WriteUInt32BigEndian(chunk, (uint)chunk.Length);
                        BinaryPrimitives.WriteUInt32BigEndian(chunk.AsSpan(4), FuzzCommandIds[random.Next(FuzzCommandIds.Length)]);
                    }

                    bytes.AddRange(chunk);
                    break;
                }

                case 2 or 3 or 4:
                    bytes.AddRange(valid[random.Next(valid.Length)]);
                    break;
                case 5 or 6 or 7:
                {
                    var chunk = (byte[])valid[random.Next(valid.Length)].Clone();
                    chunk[random.Next(4, chunk.Length)] = (byte)random.Next(256); // the framing holds
                    bytes.AddRange(chunk);
                    break;
                }

                case 8:
                {
                    var chunk = (byte[])valid[random.Next(valid.Length)].Clone();
                    chunk[random.Next(chunk.Length)] ^= (byte)(1 << random.Next(8)); // the length too, sometimes
                    bytes.AddRange(chunk);
                    break;
                }

                default:
                {
                    var chunk = valid[random.Next(valid.Length)];
                    var cut = random.Next(PduCodec.HeaderSize, chunk.Length + 1);
                    var truncated = chunk[..cut];
                    BinaryPrimitives.WriteUInt32BigEndian(truncated, (uint)cut); // a body cut short, the framing holds
                    bytes.AddRange(truncated);
                    break;
                }
            }
        }

        if (random.Next(40) == 0)
        {
            bytes.AddRange(PduCodec.Encode(new UnbindPdu { SequenceNumber = 9 }));
        }

        // Complete whatever the stream leaves half sent, so each stream has one outcome the test can predict.
        while (Simulate([.. bytes]).Missing is var missing and > 0)
        {
            var fill = new byte[missing];
            random.NextBytes(fill);
            bytes.AddRange(fill);
        }

        return [.. bytes];
    }

    /// <summary>
    /// What the session must do with <paramref name="stream"/>: the codec's framing decides whether the stream closes
    /// it (command_length out of bounds, or an unbind) or leaves it answering, and which requests it answers.
    /// </summary>
    private static Expectation Simulate(byte[] stream)
    {
        var answered = new List<uint>();
        var offset = 0;
        while (offset < stream.Length)
        {
            var result = PduCodec.Decode(stream.AsSpan(offset));
            switch (result.Status)
            {
                case DecodeStatus.NeedMoreData:
                    var left = stream.Length - offset;
                    var missing = left < 4 ? 4 - left : (int)BinaryPrimitives.ReadUInt32BigEndian(stream.AsSpan(offset)) - left;
                    return new Expectation("partial", answered, Math.Max(1, missing), 0);
                case DecodeStatus.FramingLost:
                    return new Expectation("framing lost", answered, 0, 0);
            }

            offset += result.Consumed;
            if (result.Pdu is UnbindPdu)
            {
                return new Expectation("unbound", answered, 0, result.SequenceNumber);
            }

            var isResponse = (result.CommandId & Pdu.ResponseBit) != 0;
            if (!isResponse && result.CommandId != (uint)CommandId.AlertNotification)
            {
                answered.Add(result.SequenceNumber); // enquire_link_resp, deliver_sm_resp or generic_nack
            }
        }

        return new Expectation("answered", answered, 0, 0);
    }

    private sealed record Expectation(string Outcome, List<uint> AnsweredSequences, int Missing, uint UnbindSequence);

    private static readonly uint[] FuzzCommandIds =
    [
        (uint)CommandId.EnquireLink, (uint)CommandId.EnquireLinkResp, (uint)CommandId.DeliverSm, (uint)CommandId.SubmitSmResp,
        (uint)CommandId.GenericNack, (uint)CommandId.BindTransceiverResp, (uint)CommandId.DataSm, (uint)CommandId.SubmitSm, 0x0000_0999,
    ];

    /// <summary>What an SMSC sends an ESME, valid, to be fuzzed.</summary>
    private static byte[][] PeerPdus()
    {
        var receipt = Deliver(11, "243990000001", SpecVectors.ReceiptText);
        receipt.EsmClass = 0x04;
        receipt.Tlvs.Add(Tlv.FromCString(TlvTag.ReceiptedMessageId, "a1b2c3d4e5"));
        return
        [
            PduCodec.Encode(new EnquireLinkPdu { SequenceNumber = 1 }),
            PduCodec.Encode(new EnquireLinkRespPdu { SequenceNumber = 2 }),
            PduCodec.Encode(Deliver(3, "243990000001", "hello")),
            PduCodec.Encode(receipt),
            PduCodec.Encode(new SubmitSmRespPdu { SequenceNumber = 4, MessageId = "abc" }),
            PduCodec.Encode(new GenericNackPdu { SequenceNumber = 5, CommandStatus = CommandStatus.InvalidCommandId }),
            PduCodec.Encode(new BindRespPdu(CommandId.BindTransceiverResp) { SequenceNumber = 6, SystemId = "SMSC" }),
            PduCodec.Encode(new UnbindRespPdu { SequenceNumber = 7 }),
            PduCodec.Encode(Submit("243990000002")),
        ];
    }

    private async Task AssertEnquireLinkRoundTripAsync(SmppSession session, FakeSmscPeer peer)
    {
        await peer.SendAsync(new EnquireLinkPdu { SequenceNumber = 0x5151 });
        var answer = await peer.ReceiveAsync<EnquireLinkRespPdu>();
        Assert.Multiple(() =>
        {
            Assert.That(answer.SequenceNumber, Is.EqualTo(0x5151u));
            Assert.That(session.IsOpen, Is.True);
            Assert.That(session.Completion.IsCompleted, Is.False);
        });
    }

    private async Task<(SmppSession Session, FakeSmscPeer Peer)> OpenAsync(SmppSessionSettings? settings = null, ISmppSessionHandler? handler = null)
    {
        var client = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, _smsc.Port);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        var session = new SmppSession("fake/transceiver", new NetworkStream(client, ownsSocket: true), settings ?? Settings(),
            handler ?? new RecordingSessionHandler(), TimeProvider.System, NullLogger.Instance);
        _sessions.Add(session);
        session.Start();
        var peer = await _smsc.AcceptAsync();
        return (session, peer);
    }

    /// <summary>Defaults that keep the keep-alive out of the way unless a test asks for it.</summary>
    private static SmppSessionSettings Settings(int window = 3, TimeSpan? responseTimeout = null, TimeSpan? enquireLinkInterval = null) =>
        new(window, responseTimeout ?? TimeSpan.FromMilliseconds(500), enquireLinkInterval ?? TimeSpan.FromSeconds(30));

    private static SubmitSmPdu Submit(string destination) => new()
    {
        SourceAddr = "Lisoloo",
        DestinationAddr = destination,
        RegisteredDelivery = 1,
        ShortMessage = Encoding.ASCII.GetBytes("test " + destination),
    };

    private static SubmitSmRespPdu Answer(SubmitSmPdu submit, string messageId, uint status = CommandStatus.Ok) =>
        new() { SequenceNumber = submit.SequenceNumber, CommandStatus = status, MessageId = messageId };

    private static DeliverSmPdu Deliver(uint sequence, string source, string text) => new()
    {
        SequenceNumber = sequence,
        SourceAddr = source,
        DestinationAddr = "12345",
        ShortMessage = Encoding.ASCII.GetBytes(text),
    };

    private static byte[] Header(uint commandLength, uint commandId, uint status, uint sequence)
    {
        var bytes = new byte[PduCodec.HeaderSize];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, commandLength);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(4), commandId);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(8), status);
        BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(12), sequence);
        return bytes;
    }

    private static byte[] RawPdu(uint commandId, uint status, uint sequence, byte[] body) =>
        [.. Header((uint)(PduCodec.HeaderSize + body.Length), commandId, status, sequence), .. body];

    /// <summary>Awaits <paramref name="task"/> (within a deadline) and returns the <typeparamref name="T"/> it must fail with.</summary>
    private static async Task<T> CatchAsync<T>(Task task, TimeSpan? within = null)
        where T : Exception
    {
        try
        {
            await task.WaitAsync(within ?? Deadline);
        }
        catch (T expected)
        {
            return expected;
        }
        catch (TimeoutException) when (typeof(T) != typeof(TimeoutException))
        {
            throw new AssertionException($"Expected {typeof(T).Name} within {(within ?? Deadline).TotalSeconds:0.###} s; the task is still running.");
        }
        catch (Exception other)
        {
            throw new AssertionException($"Expected {typeof(T).Name}, got {other.GetType().Name}: {other.Message}");
        }

        throw new AssertionException($"Expected {typeof(T).Name}; the task succeeded.");
    }
}
