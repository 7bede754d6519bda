using Lisoloo.Sdk.Webhooks;
using Microsoft.Extensions.Options;

namespace Lisoloo.Sdk.AspNetCore.Internal;

/// <summary>Checks <see cref="LisolooWebhookOptions"/> at start-up; messages never include secret values.</summary>
internal sealed class LisolooWebhookOptionsValidator : IValidateOptions<LisolooWebhookOptions>
{
    public ValidateOptionsResult Validate(string? name, LisolooWebhookOptions options)
    {
        var failures = new List<string>();
        if (options.Secrets.Count == 0)
        {
            failures.Add("LisolooWebhooks: at least one secret is required (Secrets).");
        }

        for (var i = 0; i < options.Secrets.Count; i++)
        {
            if (!WebhookSecret.IsValid(options.Secrets[i]))
            {
                failures.Add($"LisolooWebhooks: Secrets[{i}] must have the form whsec_<base64>.");
            }
        }

        if (options.Tolerance <= TimeSpan.Zero)
        {
            failures.Add("LisolooWebhooks: Tolerance must be positive.");
        }

        if (string.IsNullOrEmpty(options.BasicUsername) != (options.BasicPassword is null))
        {
            failures.Add("LisolooWebhooks: set both BasicUsername and BasicPassword, or neither.");
        }

        if (options.DeduplicationWindow < TimeSpan.Zero)
        {
            failures.Add("LisolooWebhooks: DeduplicationWindow must not be negative.");
        }

        if (options.MaxDeduplicationEntries < 1)
        {
            failures.Add("LisolooWebhooks: MaxDeduplicationEntries must be at least 1.");
        }

        if (options.MaxBodySize < 1)
        {
            failures.Add("LisolooWebhooks: MaxBodySize must be at least 1 byte.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
