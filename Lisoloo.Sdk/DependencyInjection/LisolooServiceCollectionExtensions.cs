using System.Diagnostics.CodeAnalysis;
using Lisoloo.Sdk;
using Lisoloo.Sdk.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="LisolooClient"/> with dependency injection, on IHttpClientFactory.</summary>
public static class LisolooServiceCollectionExtensions
{
    /// <summary>
    /// Registers the default <see cref="LisolooClient"/>, its options bound from <paramref name="configuration"/>
    /// (e.g. <c>configuration.GetSection("Lisoloo")</c>) and validated at start-up, and its typed HTTP client.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The section holding <c>ApiKey</c>, <c>BaseUrl</c>, <c>Resilience</c>, ….</param>
    /// <returns>The HTTP client builder, to add handlers or configure the primary handler.</returns>
    public static IHttpClientBuilder AddLisoloo(this IServiceCollection services, IConfiguration configuration)
        => services.AddLisoloo(Options.Options.DefaultName, configuration);

    /// <summary>Registers the default <see cref="LisolooClient"/>, its options set in code and validated at start-up.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder.</returns>
    public static IHttpClientBuilder AddLisoloo(this IServiceCollection services, Action<LisolooClientOptions> configure)
        => services.AddLisoloo(Options.Options.DefaultName, configure);

    /// <summary>
    /// Registers a named client (for example <c>"test"</c> and <c>"live"</c> side by side); get it from
    /// <see cref="ILisolooClientFactory.CreateClient"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="configuration">The section holding its options.</param>
    /// <returns>The HTTP client builder.</returns>
    public static IHttpClientBuilder AddLisoloo(this IServiceCollection services, string name, IConfiguration configuration)
    {
        Guard.NotNull(services);
        Guard.NotNull(name);
        Guard.NotNull(configuration);
        return services.AddLisoloo(name, options => Bind(configuration, options));
    }

    /// <summary>Registers a named client with its options set in code.</summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder.</returns>
    public static IHttpClientBuilder AddLisoloo(this IServiceCollection services, string name, Action<LisolooClientOptions> configure)
    {
        Guard.NotNull(services);
        Guard.NotNull(name);
        Guard.NotNull(configure);

        services.AddOptions<LisolooClientOptions>(name)
            .Configure(configure)
            .Validate(options => options.Validate().Count == 0, $"Lisoloo options '{name}' are invalid: check ApiKey, BaseUrl and Resilience.")
            .ValidateOnStart();

        services.TryAddSingleton<LisolooPipelines>();
        services.TryAddSingleton<ILisolooClientFactory, LisolooClientFactory>();

        var builder = services.AddHttpClient(LisolooClientFactory.HttpClientName(name))
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptionsMonitor<LisolooClientOptions>>().Get(name);
                if (options.Resilience.Enabled)
                {
                    // The pipeline's total timeout governs.
                    client.Timeout = Timeout.InfiniteTimeSpan;
                }
            })
            .AddHttpMessageHandler(provider => provider.GetRequiredService<LisolooPipelines>().CreateHandler(name));

        if (name == Options.Options.DefaultName)
        {
            services.TryAddTransient(provider => provider.GetRequiredService<ILisolooClientFactory>().CreateClient(name));
        }

        return builder;
    }

    /// <summary>Copies a configuration section onto the options without reflection (trim and AOT safe).</summary>
    private static void Bind(IConfiguration section, LisolooClientOptions options)
    {
        if (section["ApiKey"] is { } apiKey)
        {
            options.ApiKey = apiKey;
        }

        if (section["BaseUrl"] is { Length: > 0 } baseUrl)
        {
            options.BaseUrl = new Uri(baseUrl, UriKind.Absolute);
        }

        if (section["BaseUrlEnvironment"] is { Length: > 0 } environment)
        {
            options.BaseUrlEnvironment = (LisolooEnvironment)Enum.Parse(typeof(LisolooEnvironment), environment, ignoreCase: true);
        }

        if (section["ApplicationId"] is { } applicationId)
        {
            options.ApplicationId = applicationId;
        }

        var resilience = section.GetSection("Resilience");
        var r = options.Resilience;
        r.Enabled = ReadBool(resilience, "Enabled", r.Enabled);
        r.MaxRetryAttempts = ReadInt(resilience, "MaxRetryAttempts", r.MaxRetryAttempts);
        r.BaseDelay = ReadTime(resilience, "BaseDelay", r.BaseDelay);
        r.MaxDelay = ReadTime(resilience, "MaxDelay", r.MaxDelay);
        r.UseJitter = ReadBool(resilience, "UseJitter", r.UseJitter);
        r.MaxRetryAfter = ReadTime(resilience, "MaxRetryAfter", r.MaxRetryAfter);
        r.AttemptTimeout = ReadTime(resilience, "AttemptTimeout", r.AttemptTimeout);
        r.TotalTimeout = ReadTime(resilience, "TotalTimeout", r.TotalTimeout);
        r.CircuitBreakerEnabled = ReadBool(resilience, "CircuitBreakerEnabled", r.CircuitBreakerEnabled);
        r.FailureRatio = ReadDouble(resilience, "FailureRatio", r.FailureRatio);
        r.MinimumThroughput = ReadInt(resilience, "MinimumThroughput", r.MinimumThroughput);
        r.SamplingDuration = ReadTime(resilience, "SamplingDuration", r.SamplingDuration);
        r.BreakDuration = ReadTime(resilience, "BreakDuration", r.BreakDuration);
    }

    private static bool ReadBool(IConfiguration section, string key, bool fallback)
        => section[key] is { Length: > 0 } text ? bool.Parse(text) : fallback;

    private static int ReadInt(IConfiguration section, string key, int fallback)
        => section[key] is { Length: > 0 } text ? int.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static double ReadDouble(IConfiguration section, string key, double fallback)
        => section[key] is { Length: > 0 } text ? double.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static TimeSpan ReadTime(IConfiguration section, string key, TimeSpan fallback)
        => section[key] is { Length: > 0 } text ? TimeSpan.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

/// <summary>Creates the <see cref="LisolooClient"/> registered under a name with <c>AddLisoloo(name, …)</c>.</summary>
public interface ILisolooClientFactory
{
    /// <summary>Creates the client registered under <paramref name="name"/>; cheap, the connection pool is shared.</summary>
    /// <param name="name">The name given to <c>AddLisoloo</c> (empty for the default client).</param>
    /// <returns>The client.</returns>
    LisolooClient CreateClient(string name);
}

/// <summary>The DI implementation of <see cref="ILisolooClientFactory"/>.</summary>
internal sealed class LisolooClientFactory(IHttpClientFactory httpClientFactory, IOptionsMonitor<LisolooClientOptions> options, ILoggerFactory? loggerFactory = null)
    : ILisolooClientFactory
{
    public static string HttpClientName(string name) => string.IsNullOrEmpty(name) ? "Lisoloo" : "Lisoloo:" + name;

    public LisolooClient CreateClient(string name)
    {
        Guard.NotNull(name);
        var settings = options.Get(name);
        return new LisolooClient(settings, httpClientFactory.CreateClient(HttpClientName(name)), loggerFactory?.CreateLogger<LisolooClient>());
    }
}

/// <summary>
/// One resilience pipeline per client name, shared by every handler IHttpClientFactory creates for it, so that the
/// circuit breaker's state survives handler rotation.
/// </summary>
internal sealed class LisolooPipelines(IOptionsMonitor<LisolooClientOptions> options, ILoggerFactory? loggerFactory = null)
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Polly.ResiliencePipeline<HttpResponseMessage>?> _pipelines = new(StringComparer.Ordinal);

    [SuppressMessage("Reliability", "CA2000:Dispose objects before losing scope", Justification = "IHttpClientFactory owns and disposes the handlers it is given.")]
    public DelegatingHandler CreateHandler(string name)
    {
        var pipeline = _pipelines.GetOrAdd(name, key =>
        {
            var settings = options.Get(key);
            return settings.Resilience.Enabled
                ? LisolooResilienceHandler.CreatePipeline(settings.Resilience, settings.TimeProvider, loggerFactory?.CreateLogger("Lisoloo.Sdk.Resilience") ?? (ILogger)Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance)
                : null;
        });
        return pipeline is null ? new PassThroughHandler() : new LisolooResilienceHandler(pipeline);
    }

    private sealed class PassThroughHandler : DelegatingHandler
    {
    }
}
