using System.Text.Encodings.Web;
using System.Text.Json;
using Lisoloo.Sdk.Serialization;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;
using Refit;

namespace Lisoloo.Sdk.Http;

/// <summary>Builds the HTTP side of a client: its Refit settings and, for a client that owns it, its handler chain.</summary>
internal static class LisolooHttp
{
    /// <summary>
    /// Gets the Refit settings every client shares (never changed after this): bodies through the source-generated
    /// <see cref="LisolooJsonContext"/>, serialized into a buffer (so they carry a <c>Content-Length</c> and can be sent
    /// again on a retry), with the relaxed encoder: numbers keep their <c>+</c> and message text its accented and
    /// non-Latin letters as they are (the default encoder writes <c>\u002B</c> and <c>\u00E9</c>, six bytes for a letter of
    /// a Cyrillic or Arabic text instead of two). Quotes, backslashes and control characters are still escaped, and the
    /// body is never embedded in HTML, which is what the stricter default guards against.
    /// </summary>
    public static RefitSettings Settings { get; } = CreateSettings();

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

    /// <summary>Creates the HTTP client of a <see cref="LisolooClient"/> built without DI: the same pipeline as <c>AddLisoloo</c>.</summary>
    public static HttpClient CreateOwnedClient(LisolooClientOptions options, ILogger logger)
    {
        var primary = CreatePrimaryHandler();
        if (!options.Resilience.Enabled)
        {
            return new HttpClient(primary, disposeHandler: true) { BaseAddress = options.ApiRoot };
        }

        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = options.TimeProvider }
            .AddLisolooResilience(options.Resilience, logger)
            .Build();
#pragma warning disable CA2000 // The HttpClient owns and disposes its handlers.
        var handler = new ResilienceHandler(pipeline) { InnerHandler = primary };
#pragma warning restore CA2000

        // The pipeline's total timeout governs; HttpClient's own 100 s default would cut it short or hide it.
        return new HttpClient(handler, disposeHandler: true) { BaseAddress = options.ApiRoot, Timeout = Timeout.InfiniteTimeSpan };
    }

    public static string UserAgent(string? applicationId)
    {
        var runtime = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription.Replace(' ', '/');
        var agent = $"lisoloo-dotnet/{LisolooDiagnostics.Version} ({runtime})";
        return string.IsNullOrWhiteSpace(applicationId) ? agent : agent + " " + applicationId!.Trim();
    }

    private static RefitSettings CreateSettings()
    {
        var json = new JsonSerializerOptions(LisolooJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        return new RefitSettings(new SystemTextJsonContentSerializer(json))
        {
            RequestBodySerialization = RequestBodySerializationMode.Buffered,
        };
    }
}
