using System.Net.Http.Headers;
using System.Text;
using Lisoloo.Sdk.Testing.Internal;
using Lisoloo.Sdk.Webhooks;
using Lisoloo.Server.Auth;
using WireMock;
using WireMock.Logging;
using WireMock.Matchers;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using WireMock.Types;
using WireMock.Util;

namespace Lisoloo.Sdk.Testing;

/// <summary>
/// The Lisoloo v1 API in your test process, on WireMock.Net, on a free loopback port: point your code (or
/// <see cref="CreateClient"/>) at <see cref="Url"/> with <see cref="ApiKey"/> and it answers as the reference server's
/// sandbox does. Requests are validated with the server's own rules and answered with its envelopes and error codes;
/// the balance goes down with each send and back up with each refund; <c>/status</c> follows the sandbox lifecycle
/// (the magic numbers +99900000001–5 included) on <see cref="LisolooMockServerOptions.TimeProvider"/>. Nothing leaves the machine.
/// </summary>
/// <example>
/// <code>
/// await using var lisoloo = LisolooMockServer.Start();
/// using var client = lisoloo.CreateClient();
/// await new OtpService(client).SendCodeAsync("+243998857000");
/// Assert.That(lisoloo.Sends.Single().Message, Does.Contain("code"));
/// </code>
/// </example>
public sealed class LisolooMockServer : IDisposable, IAsyncDisposable
{
    private readonly WireMockServer _server;
    private readonly MockApi _api;
    private readonly LisolooMockServerOptions _options;
    private readonly HttpClient _webhooks = new();

    private LisolooMockServer(WireMockServer server, MockApi api, LisolooMockServerOptions options)
    {
        _server = server;
        _api = api;
        _options = options;
        Url = new Uri(server.Url!.TrimEnd('/') + "/");
        WebhookSecret = options.WebhookSecret!;
    }

    /// <summary>Gets the base URL to give the SDK (<see cref="LisolooClientOptions.BaseUrl"/>): <c>http://127.0.0.1:{port}/</c>.</summary>
    public Uri Url { get; }

    /// <summary>Gets the one key the mock accepts.</summary>
    public string ApiKey => _api.ApiKey;

    /// <summary>Gets the secret <see cref="SendWebhookAsync"/> signs with: configure your webhook receiver with it.</summary>
    public string WebhookSecret { get; }

    /// <summary>Gets the sends the mock accepted (201), oldest first, as your code sent them.</summary>
    public IReadOnlyList<MockSend> Sends => _api.Sends;

    /// <summary>Gets every request the mock received, oldest first, whatever it answered (WireMock.Net's request log).</summary>
    public IReadOnlyList<MockRequest> Requests =>
        [.. _server.LogEntries.OrderBy(e => e.RequestMessage.DateTime).Select(ToRequest)];

    /// <summary>Gets the account's balance now (what <c>GET /balance</c> would say), refunds included.</summary>
    public decimal Balance => _api.Balance;

    /// <summary>
    /// Gets the WireMock.Net server underneath, to add mappings of your own: they win over the mock's, which sit at the
    /// lowest priority. Its request log is <see cref="Requests"/>.
    /// </summary>
    public WireMockServer WireMock => _server;

    /// <summary>Starts a mock with the default settings: a new test key, a balance of 100 USD at 0.02 per SMS.</summary>
    /// <returns>The running mock; dispose it to stop it.</returns>
    public static LisolooMockServer Start() => Start(new LisolooMockServerOptions());

    /// <summary>Starts a mock with the given settings.</summary>
    /// <param name="options">The settings; copied.</param>
    /// <returns>The running mock; dispose it to stop it.</returns>
    /// <exception cref="ArgumentException">A setting is invalid (a malformed key or secret, a negative amount, more than six decimals).</exception>
    public static LisolooMockServer Start(LisolooMockServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var settings = options.Clone();
        ArgumentNullException.ThrowIfNull(settings.TimeProvider, nameof(options.TimeProvider));
        settings.WebhookSecret ??= Sdk.Webhooks.WebhookSecret.Generate();
        if (!Sdk.Webhooks.WebhookSecret.IsValid(settings.WebhookSecret))
        {
            throw new ArgumentException("The WebhookSecret must look like whsec_ followed by base64.", nameof(options));
        }

        var api = new MockApi(settings, settings.ApiKey ?? KeyMaterial.Generate("test"));
        var server = WireMockServer.Start(new WireMockServerSettings { Urls = ["http://127.0.0.1:0"], StartAdminInterface = false });
        try
        {
            server
                .Given(Request.Create().WithPath(new WildcardMatcher("/*")).UsingAnyMethod())
                .AtPriority(int.MaxValue)
                .WithTitle("Lisoloo v1 API (LisolooMockServer)")
                .RespondWith(Response.Create().WithCallback(request => Answer(api, request)));
            return new LisolooMockServer(server, api, settings);
        }
        catch
        {
            server.Stop();
            server.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates a <see cref="LisolooClient"/> on the mock with its key. Retries wait 10 ms instead of seconds (a
    /// <c>Retry-After</c> still counts), so tests of failure paths stay fast.
    /// </summary>
    /// <param name="configure">Changes the options before the client is built.</param>
    /// <returns>The client; dispose it.</returns>
    public LisolooClient CreateClient(Action<LisolooClientOptions>? configure = null)
    {
        var options = new LisolooClientOptions { ApiKey = ApiKey, BaseUrl = Url, ApplicationId = "Lisoloo.Sdk.Testing" };
        options.Resilience.BaseDelay = TimeSpan.FromMilliseconds(10);
        options.Resilience.MaxDelay = TimeSpan.FromMilliseconds(100);
        configure?.Invoke(options);
        return new LisolooClient(options);
    }

    /// <summary>Adds money to the balance, as an operator's top-up would.</summary>
    /// <param name="amount">The amount, in the account's currency (at most six decimals).</param>
    public void TopUp(decimal amount) => _api.TopUp(amount);

    /// <summary>
    /// Answers the next <paramref name="count"/> API calls (every endpoint but <c>/health</c>) with <paramref name="failure"/>
    /// before looking at them, so nothing they ask for is done: to test your retries and error handling.
    /// </summary>
    /// <param name="failure">The failure to answer.</param>
    /// <param name="count">How many calls in a row.</param>
    public void FailNext(LisolooMockFailure failure, int count = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        _api.FailNext(failure, count);
    }

    /// <summary>Forgets every send, request, idempotency key, rate-limit count and queued failure; the balance starts again.</summary>
    public void Reset()
    {
        _api.Reset();
        _server.ResetLogEntries();
    }

    /// <summary>
    /// POSTs a webhook to your receiver as the reference server delivers it: the same JSON envelope, both signature
    /// schemes (<c>X-Lisoloo-Signature</c> and Standard Webhooks' <c>webhook-signature</c>) with <see cref="WebhookSecret"/>,
    /// <c>Idempotency-Key</c> = the event id, and Basic credentials when <see cref="LisolooMockServerOptions.WebhookUsername"/> is set.
    /// </summary>
    /// <param name="url">Your receiver's URL.</param>
    /// <param name="webhookEvent">
    /// The event. A status event needs <see cref="WebhookEventData.MessageId"/>, <see cref="WebhookEventData.To"/> and
    /// <see cref="WebhookEventData.Status"/>; <c>sms.received</c> needs <see cref="WebhookEventData.From"/> and
    /// <see cref="WebhookEventData.Text"/>. An empty <see cref="WebhookEvent.Id"/> gets a new <c>evt_</c> id, a default
    /// <see cref="WebhookEvent.CreatedAt"/> the mock's time.
    /// </param>
    /// <param name="cancellationToken">Cancels the delivery.</param>
    /// <returns>The HTTP status your receiver answered.</returns>
    /// <exception cref="ArgumentException">The event lacks a member its type needs.</exception>
    public async Task<int> SendWebhookAsync(Uri url, WebhookEvent webhookEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(webhookEvent);
        var (eventId, body) = MockWebhooks.Write(webhookEvent, _options.TimeProvider.GetUtcNow());
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.UserAgent.ParseAdd("Lisoloo-Webhooks/" + LisolooDiagnostics.Version);
        request.Headers.TryAddWithoutValidation("Idempotency-Key", eventId);
        foreach (var (name, value) in WebhookSigner.Sign(WebhookSecret, eventId, body, _options.TimeProvider.GetUtcNow()))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (_options.WebhookUsername is { } user)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + _options.WebhookPassword)));
        }

        using var response = await _webhooks.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return (int)response.StatusCode;
    }

    /// <summary>Stops the server.</summary>
    public void Dispose()
    {
        _server.Stop();
        _server.Dispose();
        _webhooks.Dispose();
    }

    /// <summary>Stops the server.</summary>
    /// <returns>A completed task.</returns>
    public ValueTask DisposeAsync()
    {
        Dispose();
        return default;
    }

    /// <inheritdoc />
    public override string ToString() => $"LisolooMockServer({Url})";

    private static ResponseMessage Answer(MockApi api, IRequestMessage request)
    {
        var headers = request.Headers;
        string? Header(string name) => headers is not null && headers.TryGetValue(name, out var values) && values.Count > 0 ? string.Join(",", values) : null;

        var answer = api.Handle(request.Method, request.Path, Header, request.BodyAsBytes ?? []);
        var responseHeaders = new Dictionary<string, WireMockList<string>>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in answer.Headers)
        {
            responseHeaders[name] = new WireMockList<string>(value);
        }

        return new ResponseMessage
        {
            StatusCode = answer.Status,
            Headers = responseHeaders,
            BodyData = new BodyData { BodyAsBytes = answer.Body, DetectedBodyType = BodyType.Bytes },
        };
    }

    private static MockRequest ToRequest(ILogEntry entry)
    {
        var request = entry.RequestMessage;
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in request.Headers ?? new Dictionary<string, WireMockList<string>>())
        {
            headers[name] = string.Join(",", values);
        }

        return new MockRequest
        {
            Method = request.Method,
            Path = request.Path,
            Headers = headers,
            Body = request.Body ?? (request.BodyAsBytes is { } bytes ? Encoding.UTF8.GetString(bytes) : string.Empty),
            Status = entry.ResponseMessage.StatusCode is int status ? status : Convert.ToInt32(entry.ResponseMessage.StatusCode, System.Globalization.CultureInfo.InvariantCulture),
            ReceivedAt = new DateTimeOffset(DateTime.SpecifyKind(request.DateTime, DateTimeKind.Utc)),
        };
    }
}
