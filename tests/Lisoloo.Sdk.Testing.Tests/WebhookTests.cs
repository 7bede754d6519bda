using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using Lisoloo.Sdk.Webhooks;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StandardWebhooks;

namespace Lisoloo.Sdk.Testing.Tests;

/// <summary>
/// <see cref="LisolooMockServer.SendWebhookAsync"/> against a real receiver on Kestrel (loopback): the signatures of
/// both schemes check out with the SDK's verifier and with the StandardWebhooks package (an implementation nobody here
/// wrote), and the event parses back to what was sent.
/// </summary>
public sealed class WebhookTests
{
    private const string Secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    [Test]
    public async Task StatusEvent_IsSignedBothWays_AndParsesBack()
    {
        await using var receiver = await Receiver.StartAsync(app => app.MapPost("/hooks/sms", Receiver.Record));
        await using var lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { WebhookSecret = Secret, WebhookUsername = "lisoloo", WebhookPassword = "s3cret" });

        var status = await lisoloo.SendWebhookAsync(new Uri(receiver.Url, "hooks/sms"), new WebhookEvent
        {
            Type = WebhookEventType.SmsFailed,
            Data = new WebhookEventData
            {
                MessageId = "6650a1b2c3d4e5f601234567",
                To = "+99900000001",
                Status = SmsStatus.Undelivered,
                PreviousStatus = SmsStatus.Sent,
                ErrorCode = LisolooErrorCodes.DestinationNotCovered,
                ErrorMessage = "The carrier could not deliver the message to the handset.",
            },
        });

        var delivery = receiver.Deliveries.Single();
        var ours = new WebhookVerifier([Secret]).Verify(delivery.Header, delivery.Body);
        var theirs = new StandardWebhook(Secret);
        var parsed = WebhookParser.Parse(delivery.Body);
        Assert.Multiple(() =>
        {
            Assert.That(status, Is.EqualTo(200));
            Assert.That(ours.IsValid, Is.True, ours.FailureReason.ToString());
            Assert.DoesNotThrow(() => theirs.Verify(Encoding.UTF8.GetString(delivery.Body), delivery.Headers), "StandardWebhooks 1.1.2 accepts it");
            Assert.That(delivery.Header("X-Lisoloo-Signature"), Does.StartWith("v1="));
            Assert.That(delivery.Header("Idempotency-Key"), Is.EqualTo(parsed.Id).And.EqualTo(delivery.Header("webhook-id")));
            Assert.That(parsed.Id, Does.Match("^evt_[0-9a-f]{24}$"));
            Assert.That(parsed.Type, Is.EqualTo(WebhookEventType.SmsFailed));
            Assert.That(parsed.Data.Status, Is.EqualTo(SmsStatus.Undelivered));
            Assert.That(parsed.Data.PreviousStatus, Is.EqualTo(SmsStatus.Sent));
            Assert.That(parsed.Data.ErrorCode, Is.EqualTo(LisolooErrorCodes.DestinationNotCovered));
            Assert.That(delivery.Header("Authorization"), Is.EqualTo("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("lisoloo:s3cret"))));
        });
    }

    [Test]
    public async Task TamperedSecret_FailsBothVerifiers()
    {
        await using var receiver = await Receiver.StartAsync(app => app.MapPost("/hooks/sms", Receiver.Record));
        await using var lisoloo = LisolooMockServer.Start();

        await lisoloo.SendWebhookAsync(new Uri(receiver.Url, "hooks/sms"), Delivered());

        var delivery = receiver.Deliveries.Single();
        Assert.Multiple(() =>
        {
            Assert.That(new WebhookVerifier([Secret]).Verify(delivery.Header, delivery.Body).IsValid, Is.False, "signed with the mock's own secret, not this one");
            Assert.That(new WebhookVerifier([lisoloo.WebhookSecret]).Verify(delivery.Header, delivery.Body).IsValid, Is.True);
            Assert.Throws<StandardWebhooks.Diagnostics.WebhookVerificationException>(() => new StandardWebhook(Secret).Verify(Encoding.UTF8.GetString(delivery.Body), delivery.Headers));
        });
    }

    [Test]
    public async Task ReceivedEvent_CarriesTheInboundText()
    {
        await using var receiver = await Receiver.StartAsync(app => app.MapPost("/hooks/sms", Receiver.Record));
        await using var lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { WebhookSecret = Secret });

        await lisoloo.SendWebhookAsync(new Uri(receiver.Url, "hooks/sms"), new WebhookEvent
        {
            Type = WebhookEventType.SmsReceived,
            Data = new WebhookEventData { MessageId = "6650a1b2c3d4e5f601234599", To = "KITOKO", From = "+243998857000", Text = "STOP" },
        });

        var parsed = new WebhookVerifier([Secret]).VerifyAndParse(receiver.Deliveries.Single().Header, receiver.Deliveries.Single().Body);
        Assert.That((parsed.Type, parsed.Data.From, parsed.Data.Text), Is.EqualTo((WebhookEventType.SmsReceived, "+243998857000", "STOP")));
    }

    [Test]
    public async Task MapLisolooWebhooks_AcceptsIt_AndAcknowledgesTheSameEventOnceOnly()
    {
        var handled = new ConcurrentQueue<WebhookEvent>();
        await using var receiver = await Receiver.StartAsync(
            app => app.MapLisolooWebhooks("/hooks/sms", (evt, _, _) =>
            {
                handled.Enqueue(evt);
                return Task.CompletedTask;
            }),
            services => services.AddLisolooWebhooks(o => o.Secrets.Add(Secret)));
        await using var lisoloo = LisolooMockServer.Start(new LisolooMockServerOptions { WebhookSecret = Secret });
        var evt = Delivered() with { Id = "evt_0123456789abcdef01234567" };

        var first = await lisoloo.SendWebhookAsync(new Uri(receiver.Url, "hooks/sms"), evt);
        var again = await lisoloo.SendWebhookAsync(new Uri(receiver.Url, "hooks/sms"), evt);

        Assert.Multiple(() =>
        {
            Assert.That((first, again), Is.EqualTo((200, 200)));
            Assert.That(handled.Select(e => e.Id), Is.EqualTo(new[] { "evt_0123456789abcdef01234567" }), "de-duplicated on the event id");
        });
    }

    [Test]
    public void EventWithoutWhatItsTypeNeeds_IsRefusedBeforeSending()
    {
        using var lisoloo = LisolooMockServer.Start();

        Assert.ThrowsAsync<ArgumentException>(() => lisoloo.SendWebhookAsync(new Uri("http://127.0.0.1:9/"), new WebhookEvent
        {
            Type = WebhookEventType.SmsDelivered,
            Data = new WebhookEventData { MessageId = "6650a1b2c3d4e5f601234567" },
        }));
    }

    private static WebhookEvent Delivered() => new()
    {
        Type = WebhookEventType.SmsDelivered,
        Data = new WebhookEventData { MessageId = "6650a1b2c3d4e5f601234567", To = "+14155550100", Status = SmsStatus.Delivered, PreviousStatus = SmsStatus.Sent },
    };

    /// <summary>One request the receiver got: its raw body and headers.</summary>
    private sealed record Delivery(byte[] Body, HeaderDictionary Headers)
    {
        public string? Header(string name) => Headers.TryGetValue(name, out var values) ? values.ToString() : null;
    }

    /// <summary>A Kestrel app on a free loopback port.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private Receiver(WebApplication app, Uri url)
        {
            _app = app;
            Url = url;
        }

        public Uri Url { get; }

        public ConcurrentQueue<Delivery> Deliveries => _app.Services.GetRequiredService<ConcurrentQueue<Delivery>>();

        public static async Task<Receiver> StartAsync(Action<WebApplication> map, Action<IServiceCollection>? services = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.Services.AddSingleton(new ConcurrentQueue<Delivery>());
            services?.Invoke(builder.Services);
            var app = builder.Build();
            app.Urls.Add("http://127.0.0.1:0");
            map(app);
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            return new Receiver(app, new Uri(address.TrimEnd('/') + "/"));
        }

        public static async Task Record(HttpContext context)
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            var headers = new HeaderDictionary();
            foreach (var (name, value) in context.Request.Headers)
            {
                headers[name] = value;
            }

            context.RequestServices.GetRequiredService<ConcurrentQueue<Delivery>>().Enqueue(new Delivery(buffer.ToArray(), headers));
            context.Response.StatusCode = StatusCodes.Status200OK;
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
