using System.Globalization;
using Lisoloo.Sdk;
using Lisoloo.Sdk.Http;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="LisolooClient"/> with dependency injection, on IHttpClientFactory.</summary>
public static class LisolooServiceCollectionExtensions
{
    private const string ApiKeyHeader = "app-key";

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

    /// <summary>
    /// Registers a named client with its options set in code. Calling it again for the same name adds configuration
    /// (applied after the earlier one) and returns the same client's builder, without a second resilience handler.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="name">The client's name.</param>
    /// <param name="configure">Sets the options.</param>
    /// <returns>The HTTP client builder.</returns>
    public static IHttpClientBuilder AddLisoloo(this IServiceCollection services, string name, Action<LisolooClientOptions> configure)
    {
        Guard.NotNull(services);
        Guard.NotNull(name);
        Guard.NotNull(configure);

        services.AddOptions<LisolooClientOptions>(name).Configure(configure);
        var httpClientName = LisolooClientFactory.HttpClientName(name);
        if (!LisolooClientNames.In(services).Add(name))
        {
            return services.AddHttpClient(httpClientName);
        }

        services.AddOptions<LisolooClientOptions>(name).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LisolooClientOptions>>(new LisolooClientOptionsValidator(name));
        services.TryAddSingleton<ILisolooClientFactory, LisolooClientFactory>();

        // IHttpClientFactory logs request headers at Trace level. Keep the key's header redacted even when the host
        // replaces the redaction rule with RedactLoggedHeaders (PostConfigure runs after every Configure).
        services.PostConfigure<HttpClientFactoryOptions>(httpClientName, options =>
        {
            var hostRule = options.ShouldRedactHeaderValue;
            options.ShouldRedactHeaderValue = header => string.Equals(header, ApiKeyHeader, StringComparison.OrdinalIgnoreCase) || (hostRule?.Invoke(header) ?? true);
        });

        var builder = services.AddHttpClient(httpClientName)
            .ConfigureHttpClient((provider, client) =>
            {
                var options = provider.GetRequiredService<IOptionsMonitor<LisolooClientOptions>>().Get(name);
                client.BaseAddress = options.ApiRoot;
                if (options.Resilience.Enabled)
                {
                    // The pipeline's total timeout governs.
                    client.Timeout = Timeout.InfiniteTimeSpan;
                }
            });

        // One pipeline per client name, kept by Polly's registry across handler rotation (the circuit state survives it).
        builder.AddResilienceHandler(LisolooResilience.PipelineName, (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptionsMonitor<LisolooClientOptions>>().Get(name);
            if (options.Resilience.Enabled)
            {
                pipeline.TimeProvider = options.TimeProvider;
                pipeline.AddLisolooResilience(options.Resilience, context.ServiceProvider.GetService<ILoggerFactory>()?.CreateLogger("Lisoloo.Sdk.Resilience"));
            }
        });

        if (name == Options.Options.DefaultName)
        {
            services.TryAddTransient(provider => provider.GetRequiredService<ILisolooClientFactory>().CreateClient(name));
        }

        return builder;
    }

    /// <summary>
    /// Copies a configuration section onto the options without reflection (trim and AOT safe). A value that cannot be
    /// read is recorded, with its path, for validation to report; it never throws from here.
    /// </summary>
    private static void Bind(IConfiguration section, LisolooClientOptions options)
    {
        var problems = options.ConfigurationProblems;
        if (section["ApiKey"] is { } apiKey)
        {
            options.ApiKey = apiKey;
        }

        if (section["BaseUrl"] is { Length: > 0 } baseUrl)
        {
            // Anything that is not an absolute http(s) URL is refused by validation, with the BaseUrl message.
            options.BaseUrl = Uri.TryCreate(baseUrl, UriKind.RelativeOrAbsolute, out var url) ? url : null!;
        }

        if (section["BaseUrlEnvironment"] is { Length: > 0 } environment)
        {
            if (Enum.TryParse<LisolooEnvironment>(environment, ignoreCase: true, out var value) && Enum.IsDefined(typeof(LisolooEnvironment), value))
            {
                options.BaseUrlEnvironment = value;
            }
            else
            {
                problems.Add($"{PathOf(section, "BaseUrlEnvironment")} ('{environment}') must be Test or Live.");
            }
        }

        if (section["ApplicationId"] is { } applicationId)
        {
            options.ApplicationId = applicationId;
        }

        var resilience = section.GetSection("Resilience");
        var r = options.Resilience;
        r.Enabled = ReadBool(resilience, "Enabled", r.Enabled, problems);
        r.MaxRetryAttempts = ReadInt(resilience, "MaxRetryAttempts", r.MaxRetryAttempts, problems);
        r.BaseDelay = ReadTime(resilience, "BaseDelay", r.BaseDelay, problems);
        r.MaxDelay = ReadTime(resilience, "MaxDelay", r.MaxDelay, problems);
        r.UseJitter = ReadBool(resilience, "UseJitter", r.UseJitter, problems);
        r.MaxRetryAfter = ReadTime(resilience, "MaxRetryAfter", r.MaxRetryAfter, problems);
        r.AttemptTimeout = ReadTime(resilience, "AttemptTimeout", r.AttemptTimeout, problems);
        r.TotalTimeout = ReadTime(resilience, "TotalTimeout", r.TotalTimeout, problems);
        r.CircuitBreakerEnabled = ReadBool(resilience, "CircuitBreakerEnabled", r.CircuitBreakerEnabled, problems);
        r.FailureRatio = ReadDouble(resilience, "FailureRatio", r.FailureRatio, problems);
        r.MinimumThroughput = ReadInt(resilience, "MinimumThroughput", r.MinimumThroughput, problems);
        r.SamplingDuration = ReadTime(resilience, "SamplingDuration", r.SamplingDuration, problems);
        r.BreakDuration = ReadTime(resilience, "BreakDuration", r.BreakDuration, problems);
    }

    private static bool ReadBool(IConfiguration section, string key, bool fallback, List<string> problems)
        => Read(section, key, fallback, problems, "true or false", (string text, out bool value) => bool.TryParse(text, out value));

    private static int ReadInt(IConfiguration section, string key, int fallback, List<string> problems)
        => Read(section, key, fallback, problems, "a whole number", (string text, out int value) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out value));

    private static double ReadDouble(IConfiguration section, string key, double fallback, List<string> problems)
        => Read(section, key, fallback, problems, "a number such as 0.1", (string text, out double value) => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value));

    private static TimeSpan ReadTime(IConfiguration section, string key, TimeSpan fallback, List<string> problems)
        => Read(section, key, fallback, problems, "a time span such as 00:00:30", (string text, out TimeSpan value) => TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value));

    private static T Read<T>(IConfiguration section, string key, T fallback, List<string> problems, string expected, TryParse<T> parse)
    {
        if (section[key] is not { Length: > 0 } text)
        {
            return fallback;
        }

        if (parse(text, out var value))
        {
            return value;
        }

        problems.Add($"{PathOf(section, key)} ('{text}') must be {expected}.");
        return fallback;
    }

    private static string PathOf(IConfiguration section, string key)
        => section is IConfigurationSection { Path: { Length: > 0 } path } ? path + ":" + key : key;

    private delegate bool TryParse<T>(string text, out T value);
}

/// <summary>The names given to <c>AddLisoloo</c>, kept in the service collection so that each name is wired once.</summary>
internal sealed class LisolooClientNames
{
    private readonly HashSet<string> _names = new(StringComparer.Ordinal);

    /// <summary>Gets the registered names, the default one as an empty string.</summary>
    public IEnumerable<string> Names => _names;

    /// <summary>Finds the instance registered in <paramref name="services"/>, or registers a new one.</summary>
    public static LisolooClientNames In(IServiceCollection services)
    {
        foreach (var descriptor in services)
        {
            if (descriptor.ServiceType == typeof(LisolooClientNames) && !descriptor.IsKeyedService && descriptor.ImplementationInstance is LisolooClientNames names)
            {
                return names;
            }
        }

        var created = new LisolooClientNames();
        services.AddSingleton(created);
        return created;
    }

    /// <summary>Adds a name; <see langword="false"/> when it was there already.</summary>
    public bool Add(string name) => _names.Add(name);

    public bool Contains(string name) => _names.Contains(name);
}

/// <summary>Validates one client's options, reporting each problem (never the key itself) with the client's name.</summary>
internal sealed class LisolooClientOptionsValidator(string clientName) : IValidateOptions<LisolooClientOptions>
{
    public ValidateOptionsResult Validate(string? name, LisolooClientOptions options)
    {
        if (!string.Equals(name ?? Options.Options.DefaultName, clientName, StringComparison.Ordinal))
        {
            return ValidateOptionsResult.Skip;
        }

        var problems = options.Validate();
        if (problems.Count == 0)
        {
            return ValidateOptionsResult.Success;
        }

        var label = clientName.Length == 0 ? "Lisoloo client options" : $"Lisoloo client '{clientName}'";
        return ValidateOptionsResult.Fail(problems.Select(problem => $"{label}: {problem}"));
    }
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
internal sealed class LisolooClientFactory(IHttpClientFactory httpClientFactory, IOptionsMonitor<LisolooClientOptions> options, LisolooClientNames names, ILoggerFactory? loggerFactory = null)
    : ILisolooClientFactory
{
    public static string HttpClientName(string name) => string.IsNullOrEmpty(name) ? "Lisoloo" : "Lisoloo:" + name;

    public LisolooClient CreateClient(string name)
    {
        Guard.NotNull(name);
        if (!names.Contains(name))
        {
            var known = string.Join(", ", names.Names.Select(n => n.Length == 0 ? "(default)" : "'" + n + "'"));
            throw new InvalidOperationException($"No Lisoloo client named '{name}' is registered: call services.AddLisoloo(\"{name}\", …) first. Registered: {known}.");
        }

        var settings = options.Get(name);
        return new LisolooClient(settings, httpClientFactory.CreateClient(HttpClientName(name)), loggerFactory?.CreateLogger<LisolooClient>());
    }
}
