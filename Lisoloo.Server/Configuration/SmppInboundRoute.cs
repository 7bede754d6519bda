namespace Lisoloo.Server.Configuration;

/// <summary>An inbound route: messages to <see cref="Address"/> (a number or short code) belong to key <see cref="KeyId"/>.</summary>
internal sealed class SmppInboundRoute
{
    /// <summary>The destination of the MO message as the SMSC writes it (<c>+243990000100</c>, <c>243990000100</c> and <c>12345</c> all match their own digits).</summary>
    public string Address { get; set; } = string.Empty;

    /// <summary>The key (from <c>keys list</c>) whose webhook receives <c>sms.received</c>.</summary>
    public long KeyId { get; set; }
}
