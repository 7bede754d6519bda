namespace Lisoloo.Server.Storage;

/// <summary>
/// The answer the API rendered for a request that carries an <c>Idempotency-Key</c>: kept with the key, in the same
/// transaction as what the request did, and given back as it is when the key is replayed. The store never reads it.
/// </summary>
/// <param name="Status">The status the API answered with.</param>
/// <param name="Body">The body it answered.</param>
internal sealed record RecordedResponse(int Status, byte[] Body);
