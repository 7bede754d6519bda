using Lisoloo.Sdk.Webhooks;

namespace Lisoloo.Sdk.AspNetCore;

/// <summary>
/// Settings of the webhook endpoints mapped with <c>MapLisolooWebhooks</c>. Set them with
/// <c>services.AddLisolooWebhooks(o =&gt; …)</c> or bind them from configuration
/// (<c>"LisolooWebhooks": {"Secrets": ["whsec_…"], "BasicUsername": …}</c>).
/// </summary>
public sealed class LisolooWebhookOptions
{
    /// <summary>The default cap on the request body: 1 MiB.</summary>
    public const long DefaultMaxBodySize = 1024 * 1024;

    /// <summary>The default number of processed event ids remembered: 100 000.</summary>
    public const int DefaultMaxDeduplicationEntries = 100_000;

    /// <summary>Gets the accepted signing secrets (<c>whsec_…</c>); during a rotation, the old and the new one. At least one is required.</summary>
    public IList<string> Secrets { get; } = new List<string>();

    /// <summary>Gets or sets how far a signature's timestamp may be from now, either way. Default five minutes.</summary>
    public TimeSpan Tolerance { get; set; } = WebhookVerifierOptions.DefaultTolerance;

    /// <summary>Gets or sets the Basic user name the sender must present (the key's webhook credentials); unset for none.</summary>
    public string? BasicUsername { get; set; }

    /// <summary>Gets or sets the Basic password the sender must present.</summary>
    public string? BasicPassword { get; set; }

    /// <summary>
    /// Gets or sets how long a processed event id is remembered, so that a redelivery is acknowledged without calling the handler again.
    /// Default 24 hours; <see cref="TimeSpan.Zero"/> remembers nothing (concurrent duplicates are still serialised).
    /// </summary>
    public TimeSpan DeduplicationWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Gets or sets the most processed event ids remembered; beyond it the oldest are forgotten first. Default 100 000.</summary>
    public int MaxDeduplicationEntries { get; set; } = DefaultMaxDeduplicationEntries;

    /// <summary>Gets or sets the largest accepted body in bytes; a larger one is answered 413. Default 1 MiB.</summary>
    public long MaxBodySize { get; set; } = DefaultMaxBodySize;
}
