namespace Lisoloo.Server.Configuration;

/// <summary>One SMSC: where it is, how to bind, how fast to push, how to encode.</summary>
internal sealed class SmppConnectionOptions
{
    /// <summary>The connection's name: stored with each part it submitted, so receipts are matched per SMSC, and shown on <c>/health</c>.</summary>
    public string Name { get; set; } = "smsc";

    public string Host { get; set; } = "127.0.0.1";

    public int Port { get; set; } = 2775;

    public string SystemId { get; set; } = string.Empty;

    /// <summary>The bind password (never logged).</summary>
    public string Password { get; set; } = string.Empty;

    public string SystemType { get; set; } = string.Empty;

    /// <summary>The bind's <c>address_range</c> (for receiver binds; empty by default).</summary>
    public string AddressRange { get; set; } = string.Empty;

    /// <summary><c>transceiver</c> (default) or <c>pair</c>.</summary>
    public SmppBindMode Binds { get; set; } = SmppBindMode.Transceiver;

    /// <summary>Outstanding <c>submit_sm</c> without a response, per transmitting session.</summary>
    public int Window { get; set; } = 10;

    /// <summary>
    /// Most parts on the wire whose outcome is not stored yet (acknowledged or not): what a crash of this node can make
    /// the SMSC see twice. 0 (default) means <see cref="Window"/>: a crash repeats at most the window. A larger value lets
    /// the SMSC's answers run ahead of the store, for more throughput when the store is slower than the SMSC, at the
    /// price of that many possible repeats after a crash.
    /// </summary>
    public int MaxUnrecorded { get; set; }

    /// <summary>Most <c>submit_sm</c> per second on this connection; 0 means no limit.</summary>
    public int Tps { get; set; }

    /// <summary>Destination prefixes this connection covers (<c>+243</c>, or <c>*</c> for all).</summary>
    public List<string> Prefixes { get; set; } = [];

    /// <summary>How long a request waits for its response before the link is taken for dead and reconnected.</summary>
    public TimeSpan ResponseTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Idle time after which an <c>enquire_link</c> checks the link.</summary>
    public TimeSpan EnquireLinkInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Time allowed for the TCP connect and the bind.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>First delay before reconnecting after a drop or a refused bind; doubled each failure up to <see cref="ReconnectMaxDelay"/>, with ±20 % jitter.</summary>
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan ReconnectMaxDelay { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long the connection pauses its submits after <c>ESME_RTHROTTLED</c> or <c>ESME_RMSGQFUL</c> before resubmitting.</summary>
    public TimeSpan ThrottleDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How many <c>ESME_RTHROTTLED</c>/<c>ESME_RMSGQFUL</c> answers in a row one part may get, each followed by a
    /// <see cref="ThrottleDelay"/> pause and a resubmit, before the attempt ends as a temporary refusal (the message goes
    /// back to <c>queued</c>, error 1502).
    /// </summary>
    public int ThrottleRetries { get; set; } = 30;

    /// <summary>
    /// How many hand-off attempts a message gets on this connection: a temporary refusal (system error, throttling past
    /// <see cref="ThrottleRetries"/>) on the last one fails it with error 1519, refunded. Attempts that found no bound
    /// session do not end it that way: the message waits for the link.
    /// </summary>
    public int MaxSubmitAttempts { get; set; } = 10;

    /// <summary>
    /// How long after its acknowledgement a message may wait for a final receipt (the <see cref="ValidityPeriod"/> when
    /// shorter). Past it the SMSC is asked (<c>query_sm</c>), and the answer settles the message; when it cannot (no
    /// answer, a refusal, a state that is not final) the message becomes <c>unknown</c> with error 1515.
    /// </summary>
    public TimeSpan ReceiptDeadline { get; set; } = TimeSpan.FromHours(48);

    /// <summary>The receipt deadline in force: <see cref="ReceiptDeadline"/>, or the validity period when shorter.</summary>
    public TimeSpan EffectiveReceiptDeadline => ValidityPeriod is { } v && v < ReceiptDeadline ? v : ReceiptDeadline;

    /// <summary>How long unbinding waits for in-flight submits to be answered on shutdown.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>GSM-7 septets as one per octet (<c>unpacked</c>, default) or packed 8 in 7 (<c>packed</c>).</summary>
    public string Gsm7 { get; set; } = "unpacked";

    /// <summary>Concatenation reference in the UDH: <c>8bit</c> (IEI 0x00, default) or <c>16bit</c> (IEI 0x08).</summary>
    public string Concatenation { get; set; } = "8bit";

    /// <summary>Validity period sent with each message (relative); none by default (the SMSC's own).</summary>
    public TimeSpan? ValidityPeriod { get; set; }

    /// <summary><c>registered_delivery</c>: 1 asks for final receipts (default); 17 (0x11) asks for intermediate ones too.</summary>
    public byte RegisteredDelivery { get; set; } = 1;
}
