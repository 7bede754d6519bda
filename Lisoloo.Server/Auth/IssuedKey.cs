namespace Lisoloo.Server.Auth;

/// <summary>A created key: the cleartext key and webhook secret exist only in this object, shown once.</summary>
internal sealed record IssuedKey(string ApiKey, long KeyId, string Merchant, string Environment, string WebhookSecret, string Prefix);
