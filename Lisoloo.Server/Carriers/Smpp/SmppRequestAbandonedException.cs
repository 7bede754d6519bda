namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>A request its sender no longer wanted sent when its turn came (a submit whose lease ran out): it never went on the wire.</summary>
internal sealed class SmppRequestAbandonedException() : Exception("The request was abandoned before it went on the wire.");
