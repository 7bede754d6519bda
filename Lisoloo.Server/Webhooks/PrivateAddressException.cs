namespace Lisoloo.Server.Webhooks;

/// <summary>A webhook target that resolves to an address live keys may not reach.</summary>
internal sealed class PrivateAddressException(string message) : Exception(message);
