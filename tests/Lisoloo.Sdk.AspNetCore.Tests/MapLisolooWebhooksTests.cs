using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Lisoloo.Sdk.AspNetCore.Internal;
using Lisoloo.Sdk.Webhooks;
using Lisoloo.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Sdk.AspNetCore.Tests;

/// <summary>The endpoint on real Kestrel (127.0.0.1, ephemeral port), driven by HttpClient.</summary>
[FixtureLifeCycle(LifeCycle.InstancePerTestCase)]
public sealed class MapLisolooWebhooksTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private const string Path = "/hooks/sms";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 14, 9, 26, 53, TimeSpan.Zero));
    private WebApplication? _app;
    private HttpClient _client = null!;
    private int _calls;
    private readonly List<WebhookEvent> _handled = [];
    private Func<WebhookEvent, HttpContext, Task>? _behaviour;

    private WebhookDeduplicationStore Store => _app!.Services.GetRequiredService<WebhookDeduplicationStore>();

    private async Task StartAsync(Action<LisolooWebhookOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<TimeProvider>(_time);
        builder.Services.AddLisolooWebhooks(options =>
        {
            options.Secrets.Add(Secret);
            options.MaxBodySize = 4096;
            configure?.Invoke(options);
        });

        _app = builder.Build();
        _app.Urls.Add("http://127.0.0.1:0");
        _app.MapLisolooWebhooks(Path, async (evt, http, ct) =>
        {
            Interlocked.Increment(ref _calls);
            lock (_handled)
            {
                _handled.Add(evt);
            }

            if (_behaviour is not null)
            {
                await _behaviour(evt, http);
            }
        });
        await _app.StartAsync();

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _client = new HttpClient { BaseAddress = new Uri(address), Timeout = Deadline };
    }

    [TearDown]
    public async Task TearDown()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private static byte[] EventBody(string id, string type = "sms.delivered")
        => Encoding.UTF8.GetBytes($$$"""{"id":"{{{id}}}","type":"{{{type}}}","created_at":"2025-03-14T09:26:50Z","data":{"message_id":"msg_1","to":"+243810000001","status":"delivered"}}""");

    private HttpRequestMessage Signed(byte[] body, string id, string secret = Secret, DateTimeOffset? at = null, HttpContent? content = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, Path) { Content = content ?? new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        foreach (var header in WebhookSigner.Sign(secret, id, body, at ?? _time.GetUtcNow()))
        {
            request.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        return request;
    }

    private async Task<HttpResponseMessage> PostSignedAsync(string id, string type = "sms.delivered")
    {
        var body = EventBody(id, type);
        using var request = Signed(body, id);
        return await _client.SendAsync(request);
    }

    [Test]
    public async Task Post_ValidSignedEvent_Returns200AndCallsHandlerOnce()
    {
        await StartAsync();

        using var response = await PostSignedAsync("evt_1");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_calls, Is.EqualTo(1));
        Assert.That(_handled.Single().Id, Is.EqualTo("evt_1"));
        Assert.That(_handled.Single().Data.Status, Is.EqualTo(SmsStatus.Delivered));
    }

    [Test]
    public async Task Post_StandardWebhooksHeadersOnly_Returns200()
    {
        await StartAsync();
        var body = EventBody("evt_std");
        using var request = Signed(body, "evt_std");
        request.Headers.Remove(WebhookHeaderNames.LisolooSignature);
        request.Headers.Remove(WebhookHeaderNames.LisolooTimestamp);

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Post_SameEventIdTwice_SecondReturns200WithoutCallingHandler()
    {
        await StartAsync();

        using var first = await PostSignedAsync("evt_dup");
        using var second = await PostSignedAsync("evt_dup");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Post_SameEventIdAfterDeduplicationWindow_CallsHandlerAgain()
    {
        await StartAsync(options => options.DeduplicationWindow = TimeSpan.FromMinutes(1));

        using var first = await PostSignedAsync("evt_window");
        _time.Advance(TimeSpan.FromMinutes(2));
        using var second = await PostSignedAsync("evt_window");

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Post_ConcurrentDeliveriesOfOneEvent_HandlerRunsOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _behaviour = (_, _) => release.Task;
        await StartAsync();

        var first = PostSignedAsync("evt_race");
        await Wait.UntilAsync(() => Volatile.Read(ref _calls) == 1, Deadline, "the first delivery to enter the handler");
        var second = PostSignedAsync("evt_race");
        await Wait.UntilAsync(() => Store.WaitingCount == 1, Deadline, "the second delivery to wait for the first");
        release.SetResult();

        using var firstResponse = await first;
        using var secondResponse = await second;
        Assert.That(firstResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(secondResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_calls, Is.EqualTo(1));
    }

    [Test]
    public async Task Post_ConcurrentDeliveryWhileFirstFails_SecondRunsHandler()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _behaviour = async (_, _) =>
        {
            if (Volatile.Read(ref _calls) == 1)
            {
                await release.Task;
                throw new InvalidOperationException("first attempt fails");
            }
        };
        await StartAsync();

        var first = PostSignedAsync("evt_race_fail");
        await Wait.UntilAsync(() => Volatile.Read(ref _calls) == 1, Deadline, "the first delivery to enter the handler");
        var second = PostSignedAsync("evt_race_fail");
        await Wait.UntilAsync(() => Store.WaitingCount == 1, Deadline, "the second delivery to wait for the first");
        release.SetResult();

        using var firstResponse = await first;
        using var secondResponse = await second;
        Assert.That(firstResponse.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(secondResponse.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Post_BadSignature_Returns401WithoutDetailAndDoesNotCallHandler()
    {
        await StartAsync();
        var body = EventBody("evt_bad");
        using var request = Signed(body, "evt_bad", secret: "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD");

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Is.Empty);
        Assert.That(_calls, Is.Zero);
    }

    [Test]
    public async Task Post_TamperedBody_Returns401()
    {
        await StartAsync();
        var body = EventBody("evt_tamper");
        var tampered = EventBody("evt_tamper", "sms.failed");
        using var request = Signed(body, "evt_tamper", content: new ByteArrayContent(tampered));

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_calls, Is.Zero);
    }

    [Test]
    public async Task Post_Unsigned_Returns401()
    {
        await StartAsync();

        using var response = await _client.PostAsync(Path, new ByteArrayContent(EventBody("evt_unsigned")));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Post_SignedSixMinutesAgoByTheDiClock_Returns401()
    {
        await StartAsync();
        var body = EventBody("evt_stale");
        using var request = Signed(body, "evt_stale", at: _time.GetUtcNow() - TimeSpan.FromMinutes(6));

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Post_WrongBasicCredentials_Returns401()
    {
        await StartAsync(options =>
        {
            options.BasicUsername = "hooks";
            options.BasicPassword = "right";
        });
        var body = EventBody("evt_basic");
        using var request = Signed(body, "evt_basic");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("hooks:wrong")));

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(_calls, Is.Zero);
    }

    [Test]
    public async Task Post_RightBasicCredentials_Returns200()
    {
        await StartAsync(options =>
        {
            options.BasicUsername = "hooks";
            options.BasicPassword = "right";
        });
        var body = EventBody("evt_basic_ok");
        using var request = Signed(body, "evt_basic_ok");
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("hooks:right")));

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
    }

    [TestCase("not json")]
    [TestCase("{\"type\":\"sms.sent\"}")]
    public async Task Post_MalformedSignedBody_Returns400(string text)
    {
        await StartAsync();
        var body = Encoding.UTF8.GetBytes(text);
        using var request = Signed(body, "evt_malformed");

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That(_calls, Is.Zero);
    }

    [Test]
    public async Task Post_HandlerThrows_Returns500ThenRetryOfSameEventSucceeds()
    {
        _behaviour = (_, _) => Volatile.Read(ref _calls) == 1
            ? throw new InvalidOperationException("database down")
            : Task.CompletedTask;
        await StartAsync();

        using var first = await PostSignedAsync("evt_retry");
        using var retry = await PostSignedAsync("evt_retry");
        using var duplicate = await PostSignedAsync("evt_retry");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.InternalServerError));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(duplicate.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Post_HandlerSets503_IsNotRememberedAsProcessed()
    {
        _behaviour = (_, http) =>
        {
            if (Volatile.Read(ref _calls) == 1)
            {
                http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            }

            return Task.CompletedTask;
        };
        await StartAsync();

        using var first = await PostSignedAsync("evt_503");
        using var retry = await PostSignedAsync("evt_503");

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.ServiceUnavailable));
        Assert.That(retry.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(_calls, Is.EqualTo(2));
    }

    [Test]
    public async Task Post_OversizeBodyWithContentLength_Returns413()
    {
        await StartAsync();
        var body = new byte[5000];
        Array.Fill(body, (byte)' ');
        using var request = Signed(body, "evt_big");

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        Assert.That(_calls, Is.Zero);
    }

    [Test]
    public async Task Post_OversizeChunkedBody_Returns413()
    {
        await StartAsync();
        var body = new byte[5000];
        Array.Fill(body, (byte)' ');
        using var request = Signed(body, "evt_big_chunked", content: new StreamContent(new MemoryStream(body)));
        request.Headers.TransferEncodingChunked = true;

        using var response = await _client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Get_Endpoint_Returns405()
    {
        await StartAsync();

        using var response = await _client.GetAsync(Path);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.MethodNotAllowed));
    }

    [Test]
    public async Task Post_EachKnownEventType_ReachesHandlerWithItsType()
    {
        await StartAsync();

        foreach (var type in WebhookEventType.All)
        {
            using var response = await PostSignedAsync("evt_" + type, type);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), type);
        }

        Assert.That(_handled.Select(e => e.Type.Value), Is.EqualTo(WebhookEventType.All));
    }

    [Test]
    public void StartAsync_NoSecrets_FailsValidation()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddLisolooWebhooks(_ => { });
        _app = builder.Build();
        _app.Urls.Add("http://127.0.0.1:0");

        var ex = Assert.ThrowsAsync<OptionsValidationException>(() => _app.StartAsync());
        Assert.That(ex!.Message, Does.Contain("at least one secret"));
    }

    [Test]
    public void MapLisolooWebhooks_WithoutAddLisolooWebhooks_Throws()
    {
        var builder = WebApplication.CreateSlimBuilder();
        _app = builder.Build();

        Assert.Throws<InvalidOperationException>(() => _app.MapLisolooWebhooks(Path, (_, _) => Task.CompletedTask));
    }
}
