using Lisoloo.Sdk.AspNetCore;
using Lisoloo.Sdk.AspNetCore.Internal;
using Lisoloo.Sdk.Webhooks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps Lisoloo webhook endpoints.</summary>
public static class LisolooWebhooksEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps a POST endpoint that receives Lisoloo webhooks: it reads the raw body (413 above
    /// <see cref="LisolooWebhookOptions.MaxBodySize"/>), checks Basic credentials and the signature of either scheme
    /// (401, with no detail in the response), parses the event (400 when malformed), acknowledges an event id already
    /// processed within <see cref="LisolooWebhookOptions.DeduplicationWindow"/> with 200 without calling
    /// <paramref name="handler"/> again (concurrent deliveries of one id run one at a time), then calls
    /// <paramref name="handler"/>: 200 when it completes, 500 when it throws (the id is then not remembered, so the
    /// sender's retry runs it again). A handler that sets a non-2xx status is treated like a failure.
    /// </summary>
    /// <param name="endpoints">The route builder (e.g. the <c>WebApplication</c>).</param>
    /// <param name="pattern">The route, e.g. <c>"/hooks/sms"</c>.</param>
    /// <param name="handler">Processes a verified, parsed, de-duplicated event.</param>
    /// <returns>The endpoint convention builder, to add metadata, filters or authorization policies.</returns>
    /// <exception cref="InvalidOperationException"><c>AddLisolooWebhooks</c> was not called.</exception>
    public static IEndpointConventionBuilder MapLisolooWebhooks(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        Func<WebhookEvent, HttpContext, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentNullException.ThrowIfNull(handler);

        var services = endpoints.ServiceProvider;
        var store = services.GetService<WebhookDeduplicationStore>()
            ?? throw new InvalidOperationException(
                "Call services.AddLisolooWebhooks(...) before app.MapLisolooWebhooks(...).");
        var endpoint = new WebhookEndpoint(
            pattern,
            handler,
            services.GetRequiredService<IOptionsMonitor<LisolooWebhookOptions>>(),
            store,
            services.GetService<TimeProvider>() ?? TimeProvider.System,
            services.GetService<ILoggerFactory>()?.CreateLogger("Lisoloo.Sdk.AspNetCore.Webhooks") ?? NullLogger.Instance);

        return endpoints
            .MapPost(pattern, (RequestDelegate)endpoint.HandleAsync)
            .WithDisplayName("Lisoloo webhooks " + pattern);
    }

    /// <summary>Maps a POST endpoint that receives Lisoloo webhooks, with a handler that needs only the event.</summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="pattern">The route, e.g. <c>"/hooks/sms"</c>.</param>
    /// <param name="handler">Processes a verified, parsed, de-duplicated event.</param>
    /// <returns>The endpoint convention builder.</returns>
    /// <seealso cref="MapLisolooWebhooks(IEndpointRouteBuilder, string, Func{WebhookEvent, HttpContext, CancellationToken, Task})"/>
    public static IEndpointConventionBuilder MapLisolooWebhooks(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        Func<WebhookEvent, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return endpoints.MapLisolooWebhooks(pattern, (webhookEvent, _, cancellationToken) => handler(webhookEvent, cancellationToken));
    }
}
