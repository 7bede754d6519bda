using Lisoloo.Sdk.Tests.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lisoloo.Sdk.Tests.DependencyInjection;

/// <summary>Builds service collections for the registration tests, with every log record captured at every level.</summary>
internal static class ServiceFixture
{
    public const string TestKey = Client.TestClients.TestKey;
    public const string LiveKey = "sk_live_9b8a7c6d5e4f3a2b1c0d9e8f";

    public static IConfiguration Configuration(params (string Key, string? Value)[] values)
        => new ConfigurationBuilder().AddInMemoryCollection(values.Select(v => new KeyValuePair<string, string?>(v.Key, v.Value))).Build();

    public static ServiceCollection Services(CapturingLoggerProvider? logs = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                builder.AddProvider(logs);
            }
        });
        return services;
    }
}
