using System.Net;
using System.Text;
using BenchmarkDotNet.Attributes;
using Lisoloo.Sdk;
using Lisoloo.Sdk.Http;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace Lisoloo.Benchmarks;

/// <summary>
/// <c>SendAsync</c> end to end inside the SDK (serialize, headers, handler chain, parse) against an in-memory handler
/// that answers a canned 201: what the SDK itself costs per call, without a network.
/// </summary>
[MemoryDiagnoser]
public class ClientBenchmarks
{
    private static readonly byte[] Created = Encoding.UTF8.GetBytes(
        """{"status_code":201,"data":{"message_id":"507f1f77bcf86cd799439011","total_recipients":1,"total_messages":1,"total_cost":0.02,"currency":"USD","status":"pending","sending_type":"immediate","segments":1,"encoding":"gsm7"}}""");

    private static readonly SendRequest Request = new(["+243998857000"], "Your KITOKO code: 493 201. Valid 5 min.") { SenderId = "KITOKO" };

    private LisolooClient _plain = null!;
    private LisolooClient _resilient = null!;

    [GlobalSetup]
    public void Setup()
    {
        var options = new LisolooClientOptions { ApiKey = "sk_test_benchmark0000000000000001", BaseUrl = new Uri("http://127.0.0.1:5080/") };
        _plain = new LisolooClient(options, new HttpClient(new CannedHandler()));
        var pipeline = new ResiliencePipelineBuilder<HttpResponseMessage>().AddLisolooResilience(options.Resilience).Build();
        var handler = new ResilienceHandler(pipeline) { InnerHandler = new CannedHandler() };
        _resilient = new LisolooClient(options, new HttpClient(handler));
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _plain.Dispose();
        _resilient.Dispose();
    }

    [Benchmark(Baseline = true, Description = "SendAsync, no resilience handler")]
    public Task<LisolooResponse<SendResult>> SendPlain() => _plain.SendAsync(Request);

    [Benchmark(Description = "SendAsync, resilience handler (the SDK's strategies)")]
    public Task<LisolooResponse<SendResult>> SendResilient() => _resilient.SendAsync(Request);

    /// <summary>
    /// <c>client-loop [calls] [plain|resilient]</c>: <c>SendAsync</c> in a loop timed with a stopwatch, three rounds, for
    /// A/B runs of two builds alternated (quicker than a BenchmarkDotNet job, and free of its harness).
    /// </summary>
    public static async Task<int> RunLoopAsync(string[] args)
    {
        var calls = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 400_000;
        var benchmarks = new ClientBenchmarks();
        benchmarks.Setup();
        var resilient = args.Length > 1 && args[1] == "resilient";
        for (var round = 1; round <= 3; round++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            for (var i = 0; i < calls; i++)
            {
                await (resilient ? benchmarks.SendResilient() : benchmarks.SendPlain());
            }

            var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            Console.WriteLine($"round {round}: {elapsed.TotalMilliseconds * 1000 / calls:F2} us per SendAsync ({(resilient ? "resilient" : "plain")})");
        }

        benchmarks.Cleanup();
        return 0;
    }

    private sealed class CannedHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.Created) { Content = new ByteArrayContent(Created), RequestMessage = request };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
            response.Headers.TryAddWithoutValidation("X-Request-Id", "req_bench");
            return Task.FromResult(response);
        }
    }
}
