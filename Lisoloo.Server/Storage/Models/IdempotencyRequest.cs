namespace Lisoloo.Server.Storage;

/// <summary>The idempotency part of an accept: the caller's key and the hash of the raw body.</summary>
internal sealed record IdempotencyRequest(string Key, byte[] RequestHash);
