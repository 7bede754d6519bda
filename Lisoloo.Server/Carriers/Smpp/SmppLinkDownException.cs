namespace Lisoloo.Server.Carriers.Smpp;

/// <summary>
/// The link went down (or never answered) before the SMSC acknowledged the request: the request may or may not have
/// reached the SMSC, and is safe to submit again on the next session (at-least-once at this edge).
/// </summary>
internal sealed class SmppLinkDownException(string message) : Exception(message);
