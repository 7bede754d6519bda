using Lisoloo.Sdk.Http;
using Lisoloo.Sdk.Tests.Client;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>
/// A <see cref="LisolooClient"/> whose requests go through a real resilience pipeline (<see cref="LisolooResilience"/> in a <see cref="ResilienceHandler"/>) on a
/// <see cref="FakeClock"/> to a <see cref="RecordingHandler"/>, with every log record captured.
/// </summary>
internal sealed class ResilienceHarness : IDisposable
{
    private readonly HttpClient _httpClient;

    private ResilienceHarness(LisolooResilienceOptions options)
    {
        Options = options;
        Clock = FakeClock.For(options);
        var handler = Handler(options, Clock, Server, Logs.CreateLogger("Lisoloo.Sdk.Resilience"));
        _httpClient = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        Client = new LisolooClient(
            new LisolooClientOptions { ApiKey = TestClients.TestKey, BaseUrl = new Uri("https://api.test.local/"), TimeProvider = Clock, Resilience = options },
            _httpClient,
            Logs.CreateLogger<LisolooClient>());
    }

    public FakeClock Clock { get; }

    public RecordingHandler Server { get; } = new();

    public CapturingLoggerProvider Logs { get; } = new();

    public LisolooResilienceOptions Options { get; }

    public LisolooClient Client { get; }

    /// <summary>
    /// Gets the backoff delays the handler asked for, from its retry log events (event id 3), in order.
    /// </summary>
    public IReadOnlyList<TimeSpan> LoggedDelays => Logs.Records
        .Where(r => r.EventId.Id == 3)
        .Select(r => TimeSpan.FromMilliseconds(Convert.ToInt64(r.State["DelayMs"], System.Globalization.CultureInfo.InvariantCulture)))
        .ToArray();

    /// <summary>
    /// Creates a harness. Defaults for tests: 3 retries, 1 s base delay, no jitter, long timeouts (so that they are
    /// never confused with backoff delays) and a breaker that never opens in a short test.
    /// </summary>
    public static ResilienceHarness Create(Action<LisolooResilienceOptions>? configure = null)
    {
        var options = new LisolooResilienceOptions
        {
            MaxRetryAttempts = 3,
            BaseDelay = TimeSpan.FromSeconds(1),
            MaxDelay = TimeSpan.FromSeconds(30),
            UseJitter = false,
            AttemptTimeout = TimeSpan.FromMinutes(10),
            TotalTimeout = TimeSpan.FromHours(1),
        };
        configure?.Invoke(options);
        return new ResilienceHarness(options);
    }

    /// <summary>The handler a client without DI gets: the SDK's strategies in the package's <see cref="ResilienceHandler"/>.</summary>
    public static ResilienceHandler Handler(LisolooResilienceOptions options, TimeProvider clock, HttpMessageHandler inner, ILogger? logger = null)
        => new(new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock }.AddLisolooResilience(options, logger).Build()) { InnerHandler = inner };

    /// <summary>Runs <paramref name="call"/> and advances the clock through every backoff delay until it completes.</summary>
    /// <returns>The delays the handler waited, in order.</returns>
    public Task<IReadOnlyList<TimeSpan>> DriveAsync(Task call) => DriveAsync(Clock, call);

    /// <summary>Advances <paramref name="clock"/> through every backoff delay armed until <paramref name="call"/> completes.</summary>
    /// <returns>The delays waited, in order.</returns>
    public static async Task<IReadOnlyList<TimeSpan>> DriveAsync(FakeClock clock, Task call)
    {
        var delays = new List<TimeSpan>();
        while (true)
        {
            if (clock.TryTakeDelay(out var delay))
            {
                delays.Add(delay);
                clock.Advance(delay);
                continue;
            }

            if (call.IsCompleted)
            {
                return delays;
            }

            using var stop = new CancellationTokenSource();
            var armed = clock.WhenDelayArmedAsync(stop.Token);
            await Task.WhenAny(call, armed).WaitAsync(TimeSpan.FromSeconds(10));
            await stop.CancelAsync();
            await armed.ContinueWith(static _ => { }, TaskScheduler.Default);
        }
    }

    public void Dispose()
    {
        Client.Dispose();
        _httpClient.Dispose();
        Server.Dispose();
    }
}
