namespace Lisoloo.Sdk;

/// <summary>
/// Settings of a <see cref="LisolooClient"/>. Bind them from configuration (<c>"Lisoloo": {"ApiKey": …}</c>) or set them in code;
/// the client copies what it needs when it is created, so later changes do not affect it.
/// </summary>
public sealed class LisolooClientOptions
{
    /// <summary>The hosted API's base URL.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://apps.api.bloonio.com/");

    /// <summary>The path of the v1 API below the base URL.</summary>
    public const string ApiPath = "api/v1/lisoloo/sms-api/";

    /// <summary>Gets or sets the API key, <c>sk_test_…</c> or <c>sk_live_…</c>. Required.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Gets or sets the base URL; <c>/api/v1/lisoloo/sms-api/</c> is appended. Point it at a Lisoloo.Server to self-host.</summary>
    public Uri BaseUrl { get; set; } = DefaultBaseUrl;

    /// <summary>
    /// Gets or sets which environment <see cref="BaseUrl"/> serves, when known. When set, a key of the other environment is
    /// refused when the client is created (a live key against a sandbox URL, or the other way round), before any request.
    /// </summary>
    public LisolooEnvironment? BaseUrlEnvironment { get; set; }

    /// <summary>Gets or sets retries, timeouts and the circuit breaker.</summary>
    public LisolooResilienceOptions Resilience { get; set; } = new();

    /// <summary>Gets or sets the clock for backoff waits and timeouts (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Gets or sets an application name appended to the <c>User-Agent</c> header, e.g. <c>shop-api/2.3</c>.</summary>
    public string? ApplicationId { get; set; }

    /// <summary>Gets the environment the key belongs to, from its prefix.</summary>
    /// <exception cref="InvalidOperationException">The key is missing or malformed.</exception>
    public LisolooEnvironment KeyEnvironment => ApiKeys.TryGetEnvironment(ApiKey, out var environment)
        ? environment
        : throw new InvalidOperationException("The API key is missing or is not of the form sk_test_… or sk_live_….");

    /// <summary>Checks the settings and lists what is wrong; an empty list means they are valid.</summary>
    /// <returns>The problems found, one sentence each. The key itself never appears in them.</returns>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>(ConfigurationProblems);
        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            problems.Add("Lisoloo ApiKey is required.");
        }
        else if (!ApiKeys.TryGetEnvironment(ApiKey, out var environment))
        {
            problems.Add($"Lisoloo ApiKey ({ApiKeys.Redact(ApiKey)}) is not of the form sk_test_… or sk_live_….");
        }
        else if (BaseUrlEnvironment is { } urlEnvironment && urlEnvironment != environment)
        {
            problems.Add($"A {Describe(environment)} key cannot be used against {BaseUrl} ({Describe(urlEnvironment)}).");
        }

        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttps && BaseUrl.Scheme != Uri.UriSchemeHttp))
        {
            problems.Add("Lisoloo BaseUrl must be an absolute http or https URL.");
        }

        if (TimeProvider is null)
        {
            problems.Add("Lisoloo TimeProvider must not be null.");
        }

        if (Resilience is null)
        {
            problems.Add("Lisoloo Resilience must not be null.");
        }
        else
        {
            problems.AddRange(Resilience.Validate());
        }

        return problems;
    }

    /// <summary>Gets the configuration values that could not be read when the options were bound (path and value, never the key).</summary>
    internal List<string> ConfigurationProblems { get; } = [];

    /// <summary>Throws when <see cref="Validate"/> finds a problem.</summary>
    /// <exception cref="ArgumentException">The settings are invalid.</exception>
    internal void ThrowIfInvalid()
    {
        var problems = Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems));
        }
    }

    /// <summary>Gets the absolute URL of the v1 API root, ending with a slash.</summary>
    internal Uri ApiRoot
    {
        get
        {
            var text = BaseUrl.AbsoluteUri;
            return new Uri((text.EndsWith("/", StringComparison.Ordinal) ? text : text + "/") + ApiPath);
        }
    }

    private static string Describe(LisolooEnvironment environment) => environment == LisolooEnvironment.Live ? "live" : "test (sandbox)";
}
