using Microsoft.Extensions.Logging;

namespace Lisoloo.Sdk.Http;

/// <summary>Builds the handler chain of a client that owns its <see cref="HttpClient"/>.</summary>
internal static class LisolooHttp
{
    public static HttpMessageHandler CreatePrimaryHandler()
    {
#if NET5_0_OR_GREATER
        // Recycle pooled connections so that DNS changes are seen, as IHttpClientFactory does.
        return new SocketsHttpHandler
        {
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
        };
#else
        return new HttpClientHandler
        {
            AutomaticDecompression = System.Net.DecompressionMethods.GZip | System.Net.DecompressionMethods.Deflate,
        };
#endif
    }

    public static HttpClient CreateOwnedClient(LisolooClientOptions options, ILogger logger)
    {
        var primary = CreatePrimaryHandler();
        if (!options.Resilience.Enabled)
        {
            return new HttpClient(primary, disposeHandler: true);
        }

        var handler = new LisolooResilienceHandler(options.Resilience, options.TimeProvider, logger) { InnerHandler = primary };

        // The pipeline's total timeout governs; HttpClient's own 100 s default would cut it short or hide it.
        return new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public static string UserAgent(string? applicationId)
    {
        var runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.Replace(' ', '/');
        var agent = $"lisoloo-dotnet/{LisolooDiagnostics.Version} ({runtime})";
        return string.IsNullOrWhiteSpace(applicationId) ? agent : agent + " " + applicationId!.Trim();
    }
}
