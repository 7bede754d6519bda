using System.Globalization;
using Lisoloo.Sdk.AspNetCore;
using Lisoloo.Sdk.AspNetCore.Internal;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the services behind <c>MapLisolooWebhooks</c>.</summary>
public static class LisolooWebhooksServiceCollectionExtensions
{
    /// <summary>Registers the webhook endpoint services, with options set in code and validated at start-up.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets the options (secrets, tolerance, Basic credentials, de-duplication, body cap).</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLisolooWebhooks(this IServiceCollection services, Action<LisolooWebhookOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);

        services.AddOptions<LisolooWebhookOptions>().Configure(configure).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LisolooWebhookOptions>, LisolooWebhookOptionsValidator>());
        services.TryAddSingleton(sp => new WebhookDeduplicationStore(
            sp.GetService<TimeProvider>() ?? TimeProvider.System,
            sp.GetRequiredService<IOptionsMonitor<LisolooWebhookOptions>>()));
        return services;
    }

    /// <summary>
    /// Registers the webhook endpoint services, with options bound from <paramref name="configuration"/>
    /// (e.g. <c>configuration.GetSection("LisolooWebhooks")</c>: <c>Secrets:0</c>, <c>Secrets:1</c>, <c>Tolerance</c>,
    /// <c>BasicUsername</c>, <c>BasicPassword</c>, <c>DeduplicationWindow</c>, <c>MaxDeduplicationEntries</c>, <c>MaxBodySize</c>),
    /// reloaded when the configuration changes, and validated at start-up. Binding uses no reflection.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration section.</param>
    /// <returns>The services, for chaining.</returns>
    public static IServiceCollection AddLisolooWebhooks(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddSingleton<IOptionsChangeTokenSource<LisolooWebhookOptions>>(
            new ConfigurationChangeTokenSource<LisolooWebhookOptions>(Options.Options.DefaultName, configuration));
        return services.AddLisolooWebhooks(options => Bind(configuration, options));
    }

    private static void Bind(IConfiguration section, LisolooWebhookOptions options)
    {
        var secrets = section.GetSection(nameof(LisolooWebhookOptions.Secrets)).GetChildren()
            .Select(child => child.Value)
            .Where(value => !string.IsNullOrWhiteSpace(value))
            .ToList();
        if (secrets.Count > 0)
        {
            options.Secrets.Clear();
            foreach (var secret in secrets)
            {
                options.Secrets.Add(secret!.Trim());
            }
        }

        options.Tolerance = ReadTimeSpan(section, nameof(LisolooWebhookOptions.Tolerance)) ?? options.Tolerance;
        options.BasicUsername = section[nameof(LisolooWebhookOptions.BasicUsername)] ?? options.BasicUsername;
        options.BasicPassword = section[nameof(LisolooWebhookOptions.BasicPassword)] ?? options.BasicPassword;
        options.DeduplicationWindow = ReadTimeSpan(section, nameof(LisolooWebhookOptions.DeduplicationWindow)) ?? options.DeduplicationWindow;
        options.MaxDeduplicationEntries = (int?)ReadInteger(section, nameof(LisolooWebhookOptions.MaxDeduplicationEntries), int.MaxValue) ?? options.MaxDeduplicationEntries;
        options.MaxBodySize = ReadInteger(section, nameof(LisolooWebhookOptions.MaxBodySize), long.MaxValue) ?? options.MaxBodySize;
    }

    private static TimeSpan? ReadTimeSpan(IConfiguration section, string key)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"LisolooWebhooks: {key} is not a time span (e.g. 00:05:00).");
    }

    private static long? ReadInteger(IConfiguration section, string key, long max)
    {
        var text = section[key];
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value <= max
            ? value
            : throw new InvalidOperationException($"LisolooWebhooks: {key} is not a valid integer.");
    }
}
