using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>The SMSC refused a bind.</summary>
internal sealed class SmppBindException(uint status) : Exception($"The SMSC refused the bind: {CommandStatus.Name(status)}.")
{
    public uint Status { get; } = status;
}
