namespace Lisoloo.Server.Carriers.Smpp.Pdus;

/// <summary>
/// The largest C-octet strings SMPP 3.4 allows, in octets including the terminating NUL (section 4). The encoder
/// refuses longer values; the decoder accepts any length whose NUL lies inside the PDU.
/// </summary>
internal static class CStringSize
{
    public const int SystemId = 16;
    public const int Password = 9;
    public const int SystemType = 13;
    public const int AddressRange = 41;
    public const int ServiceType = 6;
    public const int Address = 21;
    public const int Time = 17;
    public const int MessageId = 65;
}
