namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>One accept waiting for the writer.</summary>
internal sealed record AcceptItem(ApiKeyInfo Key, NewSend Send, IdempotencyRequest? Idempotency, RecordedResponse Response);
