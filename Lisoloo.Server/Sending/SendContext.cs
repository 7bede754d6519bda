namespace Lisoloo.Server.Sending;

/// <summary>What the parser needs to know about the caller.</summary>
internal sealed record SendContext(bool LiveKey, string? DefaultSender, bool AllowPrivateTargets, DateTimeOffset Now);
