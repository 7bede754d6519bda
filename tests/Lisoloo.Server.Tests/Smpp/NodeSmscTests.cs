using System.Buffers.Binary;
using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Lisoloo.TestSupport.Smsc;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>
/// The test SMSC (tests/peers/smsc/smsc.js through <see cref="NodeSmsc"/>) checked on its own, before any ESME exists:
/// a raw socket on loopback and hand-built SMPP 3.4 PDUs. Every test starts its own SMSC and disposes it.
/// </summary>
[TestFixture]
public sealed class NodeSmscTests
{
    private const uint BindTransceiver = 0x00000009;
    private const uint BindTransceiverResp = 0x80000009;
    private const uint SubmitSm = 0x00000004;
    private const uint SubmitSmResp = 0x80000004;
    private const uint DeliverSm = 0x00000005;
    private const uint DeliverSmResp = 0x80000005;
    private const uint EnquireLink = 0x00000015;
    private const uint EnquireLinkResp = 0x80000015;

    private const uint EsmeRok = 0x00;
    private const uint EsmeRinvdstadr = 0x0B;
    private const uint EsmeRinvpaswd = 0x0E;
    private const uint EsmeRinvsysid = 0x0F;
    private const uint EsmeRthrottled = 0x58;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Test]
    public async Task Bind_transceiver_with_the_right_password_is_accepted_and_a_wrong_password_or_system_id_refused()
    {
        await using var smsc = await NodeSmsc.StartAsync();

        using (var wrongPassword = await RawSession.ConnectAsync(smsc))
        {
            var resp = await wrongPassword.BindAsync(smsc.SystemId, "not-the-password");
            Assert.That(resp.Status, Is.EqualTo(EsmeRinvpaswd), "wrong password");
        }

        using (var wrongSystemId = await RawSession.ConnectAsync(smsc))
        {
            var resp = await wrongSystemId.BindAsync("someone-else", smsc.Password);
            Assert.That(resp.Status, Is.EqualTo(EsmeRinvsysid), "wrong system_id");
        }

        using var session = await RawSession.ConnectAsync(smsc);
        var ok = await session.BindAsync(smsc.SystemId, smsc.Password);
        Assert.That(ok.Status, Is.EqualTo(EsmeRok));
        Assert.That(ReadCString(ok.Body, 0, out _), Is.EqualTo("LisolooSMSC"), "bind_transceiver_resp system_id");

        var stats = await smsc.WaitForAsync(s => s.Binds.Count == 1, Deadline);
        Assert.Multiple(() =>
        {
            Assert.That(stats.Binds[0].Type, Is.EqualTo("transceiver"));
            Assert.That(stats.Binds[0].SystemId, Is.EqualTo(smsc.SystemId));
            Assert.That(stats.BindAttempts, Is.EqualTo(3));
            Assert.That(stats.BindsRefused, Is.EqualTo(2));
        });
    }

    [Test]
    public async Task Enquire_link_is_answered_and_counted()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);

        var sequence = await session.SendAsync(EnquireLink);
        var resp = await session.ReadAsync();

        Assert.Multiple(() =>
        {
            Assert.That(resp.CommandId, Is.EqualTo(EnquireLinkResp));
            Assert.That(resp.Status, Is.EqualTo(EsmeRok));
            Assert.That(resp.Sequence, Is.EqualTo(sequence));
        });
        await smsc.WaitForAsync(s => s.EnquireLinksReceived == 1, Deadline);
    }

    [Test]
    public async Task Submit_to_a_normal_number_is_answered_with_an_id_then_a_DELIVRD_receipt()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);

        var sequence = await session.SendAsync(SubmitSm, SubmitBody("Lisoloo", "+243990000001", "Hello from Lisoloo", registeredDelivery: 1));
        var resp = await session.ReadAsync();
        Assert.That(resp.CommandId, Is.EqualTo(SubmitSmResp));
        Assert.That(resp.Status, Is.EqualTo(EsmeRok));
        Assert.That(resp.Sequence, Is.EqualTo(sequence));
        var id = ReadCString(resp.Body, 0, out _);
        Assert.That(id, Does.Match("^[0-9A-F]+$"), "hex id by default");

        var receipt = await session.ReadAsync();
        Assert.That(receipt.CommandId, Is.EqualTo(DeliverSm));
        var deliver = ParseDeliverSm(receipt.Body);
        await session.SendAsync(DeliverSmResp, [0], receipt.Sequence);

        var text = Encoding.ASCII.GetString(deliver.ShortMessage);
        Assert.Multiple(() =>
        {
            Assert.That(deliver.EsmClass, Is.EqualTo(0x04), "esm_class: SMSC delivery receipt");
            Assert.That(deliver.Source, Is.EqualTo("+243990000001"), "source and destination are swapped");
            Assert.That(deliver.Destination, Is.EqualTo("Lisoloo"));
            Assert.That(text, Does.StartWith($"id:{id} sub:001 dlvrd:001 submit date:"));
            Assert.That(text, Does.Contain($"id:{id}"));
            Assert.That(text, Does.Contain("stat:DELIVRD err:000 text:Hello from Lisoloo"));
            Assert.That(deliver.Tlvs[0x001E], Is.EqualTo(Encoding.ASCII.GetBytes(id + "\0")), "receipted_message_id");
            Assert.That(deliver.Tlvs[0x0427], Is.EqualTo(new byte[] { 2 }), "message_state DELIVERED");
        });

        await smsc.WaitForAsync(s => s.ReceiptsAcked == 1, Deadline);
    }

    [Test]
    public async Task A_refused_magic_number_gets_ESME_RINVDSTADR_and_no_receipt()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);

        await session.SendAsync(SubmitSm, SubmitBody("Lisoloo", "+2439990010", "refused", registeredDelivery: 1));
        var resp = await session.ReadAsync();
        Assert.That(resp.CommandId, Is.EqualTo(SubmitSmResp));
        Assert.That(resp.Status, Is.EqualTo(EsmeRinvdstadr));

        // An enquire_link round trip: had a receipt been sent, it would come before the enquire_link_resp.
        await session.SendAsync(EnquireLink);
        Assert.That((await session.ReadAsync()).CommandId, Is.EqualTo(EnquireLinkResp));

        var stats = await smsc.GetStatsAsync();
        Assert.Multiple(() =>
        {
            Assert.That(stats.Submits, Is.EqualTo(1));
            Assert.That(stats.Refused, Is.EqualTo(1));
            Assert.That(stats.Accepted, Is.Zero);
            Assert.That(stats.ReceiptsSent, Is.Zero);
        });
        Assert.That(await smsc.GetMessagesAsync(), Is.Empty);
    }

    [Test]
    public async Task Throttle_answers_ESME_RTHROTTLED_for_the_next_submits_only()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);
        await smsc.ConfigureAsync(new { throttle = new { count = 2, status = "ESME_RTHROTTLED" } });

        var statuses = new List<uint>();
        for (var i = 0; i < 3; i++)
        {
            await session.SendAsync(SubmitSm, SubmitBody("Lisoloo", "+243990000002", "throttled?", registeredDelivery: 0));
            var resp = await session.ReadAsync();
            Assert.That(resp.CommandId, Is.EqualTo(SubmitSmResp));
            statuses.Add(resp.Status);
        }

        Assert.That(statuses, Is.EqualTo(new[] { EsmeRthrottled, EsmeRthrottled, EsmeRok }));
        var stats = await smsc.GetStatsAsync();
        Assert.That((stats.Submits, stats.Refused, stats.Accepted), Is.EqualTo((3, 2, 1)));
    }

    [Test]
    public async Task Stats_count_and_messages_record_what_was_submitted()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);

        // Part 2 of 3 of a concatenated UCS-2 message, with an 8-bit-reference UDH, TON/NPI and a relative validity period.
        byte[] udh = [0x05, 0x00, 0x03, 0x2A, 0x03, 0x02];
        byte[] text = Encoding.BigEndianUnicode.GetBytes("Mbote");
        byte[] shortMessage = [.. udh, .. text];
        await session.SendAsync(SubmitSm, SubmitBody(
            "Lisoloo", "243990000003", shortMessage, registeredDelivery: 1, sourceTon: 5, sourceNpi: 0, destTon: 1, destNpi: 1,
            esmClass: 0x40, dataCoding: 0x08, validityPeriod: "000001000000000R"));
        var resp = await session.ReadAsync();
        Assert.That(resp.Status, Is.EqualTo(EsmeRok));
        var id = ReadCString(resp.Body, 0, out _);
        var receipt = await session.ReadAsync();
        Assert.That(receipt.CommandId, Is.EqualTo(DeliverSm));
        await session.SendAsync(DeliverSmResp, [0], receipt.Sequence);

        var stats = await smsc.WaitForAsync(s => s.ReceiptsAcked == 1, Deadline);
        Assert.Multiple(() =>
        {
            Assert.That(stats.Submits, Is.EqualTo(1));
            Assert.That(stats.Accepted, Is.EqualTo(1));
            Assert.That(stats.Refused, Is.Zero);
            Assert.That(stats.ReceiptsSent, Is.EqualTo(1));
            Assert.That(stats.DeliverSmRespErrors, Is.Zero);
        });

        var messages = await smsc.GetMessagesAsync();
        Assert.That(messages, Has.Count.EqualTo(1));
        var message = messages[0];
        Assert.Multiple(() =>
        {
            Assert.That(message.Id, Is.EqualTo(id));
            Assert.That(message.Source, Is.EqualTo("Lisoloo"));
            Assert.That((message.SourceTon, message.SourceNpi), Is.EqualTo((5, 0)));
            Assert.That(message.Destination, Is.EqualTo("243990000003"));
            Assert.That((message.DestTon, message.DestNpi), Is.EqualTo((1, 1)));
            Assert.That(message.DataCoding, Is.EqualTo(0x08));
            Assert.That(message.EsmClass, Is.EqualTo(0x40));
            Assert.That(message.RegisteredDelivery, Is.EqualTo(1));
            Assert.That(message.ValidityPeriod, Is.EqualTo("000001000000000R"));
            Assert.That(message.GetShortMessage(), Is.EqualTo(shortMessage));
            Assert.That(message.Udh, Is.Not.Null);
            Assert.That((message.Udh!.Ref, message.Udh.Total, message.Udh.Seq), Is.EqualTo((0x2A, 3, 2)));
            Assert.That(message.Sar, Is.Null);
            Assert.That(message.Session, Is.EqualTo(stats.Binds.Single().Id));
        });

        await smsc.ResetAsync();
        Assert.That(await smsc.GetMessagesAsync(), Is.Empty, "reset clears the records");
        Assert.That((await smsc.GetStatsAsync()).Binds, Has.Count.EqualTo(1), "reset keeps the binds");
    }

    [Test]
    public async Task A_receipt_id_can_be_in_another_base_than_the_response_id()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);
        await smsc.ConfigureAsync(new { receiptIdFormat = "decimal", receiptStyle = "text" });

        await session.SendAsync(SubmitSm, SubmitBody("Lisoloo", "+2439990001", "will fail", registeredDelivery: 1));
        var id = ReadCString((await session.ReadAsync()).Body, 0, out _);
        var receipt = await session.ReadAsync();
        await session.SendAsync(DeliverSmResp, [0], receipt.Sequence);
        var deliver = ParseDeliverSm(receipt.Body);
        var text = Encoding.ASCII.GetString(deliver.ShortMessage);

        var decimalId = Convert.ToUInt64(id, 16).ToString(System.Globalization.CultureInfo.InvariantCulture);
        Assert.Multiple(() =>
        {
            Assert.That(text, Does.StartWith($"id:{decimalId} "));
            Assert.That(text, Does.Contain("dlvrd:000"));
            Assert.That(text, Does.Contain("stat:UNDELIV err:001"));
            Assert.That(deliver.Tlvs, Does.Not.ContainKey(0x001E), "text-only receipt style");
        });
    }

    [Test]
    public async Task A_single_part_MO_arrives_as_deliver_sm_and_its_status_is_reported()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);

        var send = smsc.SendMoAsync(new SmscMo { Source = "+243990000123", Destination = "12345", Text = "Hello Lisoloo" });
        var pdu = await session.ReadAsync();
        Assert.That(pdu.CommandId, Is.EqualTo(DeliverSm));
        await session.SendAsync(DeliverSmResp, [0], pdu.Sequence);
        var statuses = await send.WaitAsync(Deadline);

        var deliver = ParseDeliverSm(pdu.Body);
        Assert.Multiple(() =>
        {
            Assert.That(statuses, Is.EqualTo(new[] { 0 }));
            Assert.That(deliver.EsmClass, Is.Zero, "a plain MO, not a receipt");
            Assert.That(deliver.DataCoding, Is.Zero);
            Assert.That(deliver.Source, Is.EqualTo("243990000123"));
            Assert.That((deliver.SourceTon, deliver.SourceNpi), Is.EqualTo((1, 1)));
            Assert.That(deliver.Destination, Is.EqualTo("12345"));

            // GSM 03.38 puts ASCII letters and the space at their ASCII code points: the septets read as ASCII here.
            Assert.That(Encoding.ASCII.GetString(deliver.ShortMessage), Is.EqualTo("Hello Lisoloo"));
        });
        await smsc.WaitForAsync(s => s.MoSent == 1 && s.MoAcked == 1, Deadline);
    }

    [Test]
    public async Task A_two_part_UCS2_MO_carries_a_16_bit_reference_UDH_in_each_part()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);

        var send = smsc.SendMoAsync(new SmscMo
        {
            Source = "+243990000123",
            Destination = "12345",
            Text = "Mbote ✓ Lisoloo",
            Encoding = SmscMoEncoding.Ucs2,
            Parts = 2,
            Concatenation = SmscConcatenation.Udh16,
            Reference = 0x1234,
        });
        var parts = new List<DeliverSmFields>();
        for (var i = 0; i < 2; i++)
        {
            var pdu = await session.ReadAsync();
            Assert.That(pdu.CommandId, Is.EqualTo(DeliverSm));
            await session.SendAsync(DeliverSmResp, [0], pdu.Sequence);
            parts.Add(ParseDeliverSm(pdu.Body));
        }

        Assert.That(await send.WaitAsync(Deadline), Is.EqualTo(new[] { 0, 0 }));
        var text = new StringBuilder();
        for (var i = 0; i < 2; i++)
        {
            var part = parts[i];
            Assert.That(part.EsmClass, Is.EqualTo(0x40), "UDHI");
            Assert.That(part.DataCoding, Is.EqualTo(0x08));
            Assert.That(part.ShortMessage.AsSpan(0, 7).ToArray(), Is.EqualTo(new byte[] { 0x06, 0x08, 0x04, 0x12, 0x34, 0x02, (byte)(i + 1) }));
            text.Append(Encoding.BigEndianUnicode.GetString(part.ShortMessage, 7, part.ShortMessage.Length - 7));
        }

        Assert.That(text.ToString(), Is.EqualTo("Mbote ✓ Lisoloo"));
    }

    [Test]
    public async Task Held_submits_are_answered_on_release_and_a_drop_closes_the_connection()
    {
        await using var smsc = await NodeSmsc.StartAsync();
        using var session = await RawSession.ConnectAsync(smsc);
        await session.BindOkAsync(smsc);
        await smsc.ConfigureAsync(new { holdResponses = true });

        var held = await session.SendAsync(SubmitSm, SubmitBody("Lisoloo", "+243990000004", "held", registeredDelivery: 0));
        await session.SendAsync(EnquireLink);
        Assert.That((await session.ReadAsync()).CommandId, Is.EqualTo(EnquireLinkResp), "the held submit_sm is not answered; the link is");
        await smsc.WaitForAsync(s => s.HeldNow == 1, Deadline);

        Assert.That(await smsc.ReleaseAsync(), Is.EqualTo(1));
        var resp = await session.ReadAsync();
        Assert.That((resp.CommandId, resp.Status, resp.Sequence), Is.EqualTo((SubmitSmResp, EsmeRok, held)));

        await session.SendAsync(SubmitSm, SubmitBody("Lisoloo", "+243990000004", "never answered", registeredDelivery: 0));
        await smsc.WaitForAsync(s => s.HeldNow == 1, Deadline);
        Assert.That(await smsc.DropAsync(), Is.EqualTo(1));
        Assert.That(session.ReadAsync, Throws.InstanceOf<EndOfStreamException>().Or.InstanceOf<IOException>(), "the SMSC closed the connection");
        var stats = await smsc.WaitForAsync(s => s.Sessions == 0, Deadline);
        Assert.That((stats.Held, stats.DiscardedHeld, stats.Accepted), Is.EqualTo((2, 1, 1)));
    }

    [Test]
    public async Task Disposing_kills_the_process()
    {
        var smsc = await NodeSmsc.StartAsync();
        var pid = smsc.ProcessId;
        using (var running = Process.GetProcessById(pid))
        {
            Assert.That(running.HasExited, Is.False);
        }

        await smsc.DisposeAsync();

        try
        {
            using var after = Process.GetProcessById(pid);
            Assert.That(after.HasExited, Is.True, $"pid {pid} is still running after DisposeAsync");
        }
        catch (ArgumentException)
        {
            // No process with that id any more.
        }
    }

    // --- hand-built PDUs (just enough for these tests; the server's own codec is tested elsewhere) -----------------

    private static byte[] SubmitBody(
        string source, string destination, string text, byte registeredDelivery)
        => SubmitBody(source, destination, Encoding.ASCII.GetBytes(text), registeredDelivery);

    private static byte[] SubmitBody(
        string source,
        string destination,
        byte[] shortMessage,
        byte registeredDelivery,
        byte sourceTon = 5,
        byte sourceNpi = 0,
        byte destTon = 1,
        byte destNpi = 1,
        byte esmClass = 0,
        byte dataCoding = 0,
        string validityPeriod = "")
    {
        var body = new List<byte>();
        AddCString(body, string.Empty); // service_type
        body.Add(sourceTon);
        body.Add(sourceNpi);
        AddCString(body, source);
        body.Add(destTon);
        body.Add(destNpi);
        AddCString(body, destination);
        body.Add(esmClass);
        body.Add(0); // protocol_id
        body.Add(0); // priority_flag
        AddCString(body, string.Empty); // schedule_delivery_time
        AddCString(body, validityPeriod);
        body.Add(registeredDelivery);
        body.Add(0); // replace_if_present_flag
        body.Add(dataCoding);
        body.Add(0); // sm_default_msg_id
        body.Add((byte)shortMessage.Length);
        body.AddRange(shortMessage);
        return [.. body];
    }

    private static void AddCString(List<byte> body, string value)
    {
        body.AddRange(Encoding.ASCII.GetBytes(value));
        body.Add(0);
    }

    private static string ReadCString(byte[] body, int offset, out int next)
    {
        var end = Array.IndexOf(body, (byte)0, offset);
        Assert.That(end, Is.GreaterThanOrEqualTo(0), "C-string without its terminating NUL");
        next = end + 1;
        return Encoding.ASCII.GetString(body, offset, end - offset);
    }

    private static DeliverSmFields ParseDeliverSm(byte[] body)
    {
        ReadCString(body, 0, out var i); // service_type
        var sourceTon = body[i++];
        var sourceNpi = body[i++];
        var source = ReadCString(body, i, out i);
        i += 2; // dest_addr_ton, dest_addr_npi
        var destination = ReadCString(body, i, out i);
        var esmClass = body[i++];
        i += 2; // protocol_id, priority_flag
        ReadCString(body, i, out i); // schedule_delivery_time
        ReadCString(body, i, out i); // validity_period
        i += 2; // registered_delivery, replace_if_present_flag
        var dataCoding = body[i++];
        i++; // sm_default_msg_id
        var length = body[i++];
        var shortMessage = body.AsSpan(i, length).ToArray();
        i += length;
        var tlvs = new Dictionary<int, byte[]>();
        while (i + 4 <= body.Length)
        {
            var tag = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(i));
            var tlvLength = BinaryPrimitives.ReadUInt16BigEndian(body.AsSpan(i + 2));
            tlvs[tag] = body.AsSpan(i + 4, tlvLength).ToArray();
            i += 4 + tlvLength;
        }

        return new DeliverSmFields(sourceTon, sourceNpi, source, destination, esmClass, dataCoding, shortMessage, tlvs);
    }

    private sealed record DeliverSmFields(
        int SourceTon, int SourceNpi, string Source, string Destination, int EsmClass, int DataCoding, byte[] ShortMessage, Dictionary<int, byte[]> Tlvs);

    private sealed record RawPdu(uint CommandId, uint Status, uint Sequence, byte[] Body);

    /// <summary>One SMPP connection over a raw socket; every read has a deadline.</summary>
    private sealed class RawSession : IDisposable
    {
        private readonly TcpClient _client;
        private readonly NetworkStream _stream;
        private uint _sequence;

        private RawSession(TcpClient client)
        {
            _client = client;
            _stream = client.GetStream();
        }

        public static async Task<RawSession> ConnectAsync(NodeSmsc smsc)
        {
            var client = new TcpClient { NoDelay = true };
            using var cts = new CancellationTokenSource(Deadline);
            await client.ConnectAsync(NodeSmsc.Host, smsc.SmppPort, cts.Token);
            return new RawSession(client);
        }

        public async Task<RawPdu> BindAsync(string systemId, string password)
        {
            var body = new List<byte>();
            AddCString(body, systemId);
            AddCString(body, password);
            AddCString(body, string.Empty); // system_type
            body.Add(0x34); // interface_version 3.4
            body.Add(0); // addr_ton
            body.Add(0); // addr_npi
            AddCString(body, string.Empty); // address_range
            var sequence = await SendAsync(BindTransceiver, [.. body]);
            var resp = await ReadAsync();
            Assert.That(resp.CommandId, Is.EqualTo(BindTransceiverResp));
            Assert.That(resp.Sequence, Is.EqualTo(sequence));
            return resp;
        }

        public async Task BindOkAsync(NodeSmsc smsc)
        {
            var resp = await BindAsync(smsc.SystemId, smsc.Password);
            Assert.That(resp.Status, Is.EqualTo(EsmeRok), "bind_transceiver");
        }

        /// <summary>Writes a PDU; a request gets the next sequence number, a response the one it answers.</summary>
        public async Task<uint> SendAsync(uint commandId, byte[]? body = null, uint? sequence = null)
        {
            body ??= [];
            var seq = sequence ?? ++_sequence;
            var pdu = new byte[16 + body.Length];
            BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(0), (uint)pdu.Length);
            BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(4), commandId);
            BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(8), 0);
            BinaryPrimitives.WriteUInt32BigEndian(pdu.AsSpan(12), seq);
            body.CopyTo(pdu, 16);
            using var cts = new CancellationTokenSource(Deadline);
            await _stream.WriteAsync(pdu, cts.Token);
            return seq;
        }

        public async Task<RawPdu> ReadAsync()
        {
            using var cts = new CancellationTokenSource(Deadline);
            var header = new byte[16];
            await _stream.ReadExactlyAsync(header, cts.Token);
            var length = BinaryPrimitives.ReadUInt32BigEndian(header);
            Assert.That(length, Is.InRange(16u, 65536u), "command_length");
            var body = new byte[length - 16];
            await _stream.ReadExactlyAsync(body, cts.Token);
            return new RawPdu(
                BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(4)),
                BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(8)),
                BinaryPrimitives.ReadUInt32BigEndian(header.AsSpan(12)),
                body);
        }

        public void Dispose()
        {
            _stream.Dispose();
            _client.Dispose();
        }
    }
}
