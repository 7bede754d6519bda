using Lisoloo.Sdk;
using Lisoloo.Sdk.Webhooks;
using Lisoloo.Server.Lifecycle;
using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Auth;

/// <summary>Creates keys: validates the request, generates key and webhook secret, stores the hash and the encrypted secrets.</summary>
internal sealed class KeyIssuer(IKeyStore store, SecretProtector secrets, Microsoft.Extensions.Options.IOptions<Configuration.ServerOptions> options)
{
    /// <summary>Creates the key (and the merchant's account for the environment when missing).</summary>
    /// <exception cref="ArgumentException">A value is out of range; the message says which.</exception>
    public async Task<IssuedKey> CreateAsync(KeyRequest request, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(request.Merchant) || request.Merchant.Length > 100)
        {
            throw new ArgumentException("--merchant must be 1 to 100 characters.");
        }

        if (request.Environment is not ("test" or "live"))
        {
            throw new ArgumentException("--env must be test or live.");
        }

        if (request.Balance < 0 || !Money.TryToMicros(request.Balance, out var balance))
        {
            throw new ArgumentException("--balance must be a non-negative amount with at most 6 decimals.");
        }

        if (request.UnitPrice < 0 || !Money.TryToMicros(request.UnitPrice, out var unitPrice))
        {
            throw new ArgumentException("--unit-price must be a non-negative amount with at most 6 decimals.");
        }

        if (request.Currency.Length != 3 || !request.Currency.All(char.IsAsciiLetterUpper))
        {
            throw new ArgumentException("--currency must be an ISO 4217 code such as USD.");
        }

        if (request.WebhookUrl is not null && Sending.CallbackUrls.Validate(request.WebhookUrl, request.Environment == "live", options.Value.Webhooks.AllowPrivateTargets) is { } problem)
        {
            throw new ArgumentException("--webhook-url: " + problem);
        }

        if (request.WebhookEvents is not null)
        {
            foreach (var type in request.WebhookEvents.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!new WebhookEventType(type).IsKnown)
                {
                    throw new ArgumentException($"--webhook-events: unknown event type '{type}' (known: {string.Join(", ", WebhookEventType.All)}).");
                }
            }
        }

        if (request.DefaultSender is not null && !SenderIds.IsValid(request.DefaultSender))
        {
            throw new ArgumentException("--sender-id is not a valid sender id.");
        }

        if ((request.WebhookUser is null) != (request.WebhookPassword is null))
        {
            throw new ArgumentException("--webhook-user and --webhook-password go together.");
        }

        var apiKey = KeyMaterial.Generate(request.Environment);
        var webhookSecret = WebhookSecret.Generate();
        var prefix = KeyMaterial.DisplayPrefix(apiKey);
        var keyId = await store.CreateKeyAsync(new NewApiKey(
            request.Merchant, request.Environment, KeyMaterial.Hash(apiKey), prefix, balance, unitPrice, request.Currency,
            secrets.Protect(webhookSecret), request.WebhookUrl, request.WebhookUser,
            request.WebhookPassword is null ? null : secrets.Protect(request.WebhookPassword),
            request.WebhookEvents, request.DefaultSender, request.SendPerMinute), cancellationToken).ConfigureAwait(false);
        return new IssuedKey(apiKey, keyId, request.Merchant, request.Environment, webhookSecret, prefix);
    }

    /// <summary>Gives the key a new webhook secret; the old one also signs for <paramref name="overlap"/>. Returns the new secret (shown once).</summary>
    /// <exception cref="ArgumentException">No such active key, or a negative overlap.</exception>
    public async Task<string> RotateWebhookSecretAsync(long keyId, TimeSpan overlap, TimeProvider time, CancellationToken cancellationToken = default)
    {
        if (overlap < TimeSpan.Zero || overlap > TimeSpan.FromDays(30))
        {
            throw new ArgumentException("--overlap-hours must be between 0 and 720.");
        }

        var secret = WebhookSecret.Generate();
        var until = (time.GetUtcNow() + overlap).ToUnixTimeMilliseconds();
        if (!await store.RotateWebhookSecretAsync(keyId, secrets.Protect(secret), until, cancellationToken).ConfigureAwait(false))
        {
            throw new ArgumentException($"No active key with id {keyId}.");
        }

        return secret;
    }
}
