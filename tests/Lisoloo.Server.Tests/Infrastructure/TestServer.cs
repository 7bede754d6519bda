using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Lisoloo.Sdk;
using Lisoloo.Server.Auth;
using Lisoloo.Server.Hosting;
using Lisoloo.Server.Storage;
using Microsoft.AspNetCore.TestHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lisoloo.Server.Tests.Infrastructure;

/// <summary>
/// The real server on real Kestrel (loopback, ephemeral port) over a real SQLite file in a temp folder, or over a fresh
/// PostgreSQL database (<see cref="StoreKind.Postgres"/>), with fast sandbox and webhook delays. Dispose stops it and
/// deletes the folder and the database.
/// </summary>
internal sealed class TestServer : IAsyncDisposable
{
    public const string ApiPath = "/api/v1/lisoloo/sms-api/";

    private readonly WebApplication _app;

    private PostgresTestDatabase? _postgres;

    private TestServer(WebApplication app, string dataDirectory, Uri baseUrl, HttpMessageHandler? inMemoryHandler)
    {
        _app = app;
        DataDirectory = dataDirectory;
        BaseUrl = baseUrl;
        InMemoryHandler = inMemoryHandler;
        Http = new HttpClient(inMemoryHandler ?? new SocketsHttpHandler(), disposeHandler: inMemoryHandler is null)
        {
            BaseAddress = new Uri(baseUrl, ApiPath),
            Timeout = TimeSpan.FromSeconds(30),
        };
    }

    /// <summary>The in-memory handler when started with <c>inMemory: true</c> (no socket at all); null on Kestrel.</summary>
    public HttpMessageHandler? InMemoryHandler { get; }

    /// <summary>The server's root URL (http://127.0.0.1:port/).</summary>
    public Uri BaseUrl { get; }

    /// <summary>Where the SQLite file lives.</summary>
    public string DataDirectory { get; }

    /// <summary>A raw client whose base address is the v1 API path.</summary>
    public HttpClient Http { get; }

    public IServiceProvider Services => _app.Services;

    public ILisolooStore Store => Services.GetRequiredService<ILisolooStore>();

    /// <summary>Starts a server. <paramref name="settings"/> override configuration keys (e.g. <c>Lisoloo:RateLimits:SendPerMinute</c>).</summary>
    public static async Task<TestServer> StartAsync(IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null, string? dataDirectory = null,
        bool inMemory = false, StoreKind store = StoreKind.Sqlite)
        => await StartCoreAsync(settings, services, dataDirectory, inMemory, store, joining: null).ConfigureAwait(false);

    /// <summary>
    /// Starts another node on <paramref name="first"/>'s PostgreSQL database (same master key), as a second server
    /// behind the same load balancer would be; the database is dropped with the first node.
    /// </summary>
    public static async Task<TestServer> StartNodeAsync(TestServer first, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var postgres = first._postgres ?? throw new InvalidOperationException("Only a PostgreSQL server has other nodes.");
        var merged = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Lisoloo:MasterKey"] = first.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<Lisoloo.Server.Configuration.ServerOptions>>().Value.MasterKey,
        };
        return await StartCoreAsync(merged, services, null, false, StoreKind.Postgres, joining: postgres).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts a node on a PostgreSQL database the caller owns (and drops): nodes of one database can then stop in any
    /// order, as when one of them crashes. Every node must be given the same <paramref name="masterKey"/>.
    /// </summary>
    public static async Task<TestServer> StartOnDatabaseAsync(PostgresTestDatabase database, string masterKey, IDictionary<string, string?>? settings = null,
        Action<IServiceCollection>? services = null)
    {
        var merged = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>()) { ["Lisoloo:MasterKey"] = masterKey };
        return await StartCoreAsync(merged, services, null, false, StoreKind.Postgres, joining: database).ConfigureAwait(false);
    }

    private static async Task<TestServer> StartCoreAsync(IDictionary<string, string?>? settings, Action<IServiceCollection>? services, string? dataDirectory,
        bool inMemory, StoreKind store, PostgresTestDatabase? joining)
    {
        PostgresTestDatabase? postgres = null;
        if (store == StoreKind.Postgres)
        {
            var database = joining ?? await PostgresTestDatabase.CreateAsync().ConfigureAwait(false);
            postgres = joining is null ? database : null; // the node that created the database drops it
            var merged = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
            {
                ["Lisoloo:Store:Provider"] = "postgres",
                ["Lisoloo:Store:ConnectionString"] = database.ConnectionString,
            };
            merged.TryAdd("Lisoloo:MasterKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32))); // required on PostgreSQL
            settings = merged;
        }

        dataDirectory ??= TestFolders.NewPath();
        Directory.CreateDirectory(dataDirectory);
        var config = new Dictionary<string, string?>
        {
            ["Lisoloo:Store:DataDirectory"] = dataDirectory,
            ["Lisoloo:Bootstrap:CreateSandboxKey"] = "false",
            ["Lisoloo:Sandbox:DeliveryDelay"] = "00:00:00.050",
            ["Lisoloo:Sandbox:FailureDelay"] = "00:00:00.050",
            ["Lisoloo:Sandbox:SlowDeliveryDelay"] = "00:00:00.500",
            ["Lisoloo:Webhooks:RetryDelays:0"] = "00:00:00.050",
            ["Lisoloo:Webhooks:RetryDelays:1"] = "00:00:00.100",
            ["Lisoloo:Webhooks:RetryDelays:2"] = "00:00:00.150",
            ["Lisoloo:Webhooks:AttemptTimeout"] = "00:00:05",
            ["Lisoloo:Workers:PollInterval"] = "00:00:00.020",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        if (settings is not null)
        {
            foreach (var (k, v) in settings)
            {
                config[k] = v;
            }
        }

        var app = ServerHost.Build(["--urls", "http://127.0.0.1:0"], b =>
        {
            b.Configuration.AddInMemoryCollection(config);
            b.Logging.ClearProviders();
            if (inMemory)
            {
                b.WebHost.UseTestServer();
            }

            services?.Invoke(b.Services);
        });
        await app.StartAsync().ConfigureAwait(false);
        if (inMemory)
        {
            return new TestServer(app, dataDirectory, new Uri("http://localhost/"), app.GetTestServer().CreateHandler()) { _postgres = postgres };
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestServer(app, dataDirectory, new Uri(address.TrimEnd('/') + "/"), null) { _postgres = postgres };
    }

    /// <summary>Creates a key through the same code as <c>keys create</c>.</summary>
    public Task<IssuedKey> CreateKeyAsync(string merchant = "acme", string environment = "test", decimal balance = 100m, decimal unitPrice = 0.02m,
        string? webhookUrl = null, string? webhookUser = null, string? webhookPassword = null, string? webhookEvents = null, int? sendPerMinute = null)
        => Services.GetRequiredService<KeyIssuer>().CreateAsync(new KeyRequest(merchant, environment, balance, unitPrice, "USD",
            webhookUrl, webhookUser, webhookPassword, webhookEvents, null, sendPerMinute));

    /// <summary>Stores a key whose cleartext the test chooses (for replaying recorded requests that carry a fixed key).</summary>
    public async Task<ApiKeyInfo> CreateKnownKeyAsync(string apiKey, string merchant, decimal balance, decimal unitPrice = 0.02m)
    {
        var protector = Services.GetRequiredService<SecretProtector>();
        await Store.CreateKeyAsync(new NewApiKey(merchant, apiKey.StartsWith("sk_live_", StringComparison.Ordinal) ? "live" : "test", KeyMaterial.Hash(apiKey),
            KeyMaterial.DisplayPrefix(apiKey), (long)(balance * 1_000_000m), (long)(unitPrice * 1_000_000m), "USD",
            protector.Protect(Sdk.Webhooks.WebhookSecret.Generate()), null, null, null, null, null, null)).ConfigureAwait(false);
        return (await Store.FindKeyAsync(KeyMaterial.Hash(apiKey)).ConfigureAwait(false))!;
    }

    /// <summary>An SDK client for <paramref name="apiKey"/> against this server (retries off unless asked).</summary>
    public LisolooClient Client(string apiKey, bool retries = false) => new(new LisolooClientOptions
    {
        ApiKey = apiKey,
        BaseUrl = BaseUrl,
        Resilience = { Enabled = retries },
    }, InMemoryHandler is null ? new HttpClient() : new HttpClient(InMemoryHandler, disposeHandler: false));

    /// <summary>Sends a raw request; returns status and parsed JSON body.</summary>
    public async Task<RawResponse> SendRawAsync(HttpMethod method, string path, string? apiKey, string? json = null, IDictionary<string, string>? headers = null, string contentType = "application/json")
    {
        using var request = new HttpRequestMessage(method, path);
        if (apiKey is not null)
        {
            request.Headers.TryAddWithoutValidation("app-key", apiKey);
        }

        if (headers is not null)
        {
            foreach (var (k, v) in headers)
            {
                request.Headers.TryAddWithoutValidation(k, v);
            }
        }

        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        }

        using var response = await Http.SendAsync(request).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        var responseHeaders = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        JsonElement? parsed = null;
        if (body.Length > 0)
        {
            using var doc = JsonDocument.Parse(body);
            parsed = doc.RootElement.Clone();
        }

        return new RawResponse((int)response.StatusCode, body, parsed, responseHeaders);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        if (_postgres is not null)
        {
            await _postgres.DisposeAsync().ConfigureAwait(false);
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>A raw HTTP answer.</summary>
internal sealed record RawResponse(int Status, string Body, JsonElement? Json, IReadOnlyDictionary<string, string> Headers)
{
    public int? ErrorCode => Json is { } j && j.TryGetProperty("error_code", out var c) ? c.GetInt32() : null;

    public JsonElement Data => Json!.Value.GetProperty("data");

    public IEnumerable<(string Field, int Code)> FieldErrors => Json is { } j && j.TryGetProperty("errors", out var e)
        ? e.EnumerateArray().Select(x => (x.GetProperty("field").GetString()!, x.GetProperty("error_code").GetInt32()))
        : [];
}
