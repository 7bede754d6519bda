namespace Lisoloo.Server.Configuration;

/// <summary>
/// The SMPP 3.4 carrier bridge (<c>Lisoloo:Smpp</c>, env <c>Lisoloo__Smpp__…</c>). With at least one connection the
/// live route is SMPP (unless <c>Lisoloo:LiveCarrier</c> says otherwise); test keys always use the sandbox.
/// </summary>
internal sealed class SmppOptions
{
    /// <summary>SMSC connections; a destination goes to the connection with the longest matching prefix.</summary>
    public List<SmppConnectionOptions> Connections { get; set; } = [];

    /// <summary>Numbers and short codes whose inbound (MO) messages belong to a key: delivered as <c>sms.received</c> to its webhook.</summary>
    public List<SmppInboundRoute> Inbound { get; set; } = [];
}
