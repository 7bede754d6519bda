using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>Timers and limits of one SMPP session.</summary>
internal sealed record SmppSessionSettings(int Window, TimeSpan ResponseTimeout, TimeSpan EnquireLinkInterval, int MaxPduSize = PduCodec.DefaultMaxPduSize);
