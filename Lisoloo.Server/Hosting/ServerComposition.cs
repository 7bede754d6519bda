using Lisoloo.Server.Api;
using Lisoloo.Server.Auth;
using Lisoloo.Server.Carriers;
using Lisoloo.Server.Carriers.Sandbox;
using Lisoloo.Server.Carriers.Smpp;
using Lisoloo.Server.Configuration;
using Lisoloo.Server.Diagnostics;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Webhooks;
using Lisoloo.Server.Workers;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Hosting;

/// <summary>Registers the server's parts; <c>Program.cs</c> only composes these calls.</summary>
internal static class ServerComposition
{
    /// <summary>Where the server listens when no URL is configured.</summary>
    public const string DefaultUrl = "http://127.0.0.1:5080";

    /// <summary>Services for both the HTTP server and the operator commands.</summary>
    public static IServiceCollection AddLisolooStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ServerOptions>().Bind(configuration.GetSection(ServerOptions.Section));
        services.AddSingleton(TimeProvider.System);
        services.AddLisolooStorage();
        services.AddSingleton(sp => SecretProtector.FromOptions(sp.GetRequiredService<IOptions<ServerOptions>>()));
        services.AddSingleton<KeyIssuer>();
        return services;
    }

    /// <summary>The HTTP API, carriers and workers.</summary>
    public static WebApplicationBuilder AddLisolooServer(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        // Per-request hosting logs cost more than a send at high rates; configuration can still turn them back on.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.AspNetCore.Routing", LogLevel.Warning);
        services.AddLisolooStore(builder.Configuration);
        services.AddHostedService<StoreInitializer>(); // first: the schema is current before any worker or request uses it
        services.AddSingleton<WorkSignals>();
        services.AddSingleton<ServerMetrics>();
        services.AddSingleton<ICarrier, SandboxCarrier>();
        // Always registered (it is idle and hidden from routing and /health without connections). Before the workers:
        // hosted services stop in reverse order, so the dispatcher stops first and the connections then unbind with
        // their in-flight submits drained.
        services.AddSingleton<SmppCarrier>();
        services.AddSingleton<ICarrier>(sp => sp.GetRequiredService<SmppCarrier>());
        services.AddHostedService(sp => sp.GetRequiredService<SmppCarrier>());
        services.AddHostedService<SmppReceiptDeadlineWorker>(); // stops before the connections it queries

        services.AddSingleton<CarrierRouter>();
        services.AddSingleton<SmsApi>();
        services.AddLisolooOpenApi();
        services.AddHostedService<SchedulerWorker>();
        services.AddHostedService<DispatchWorker>();
        services.AddHostedService<ReceiptWorker>();
        services.AddHostedService<WebhookWorker>();
        services.AddHostedService<HousekeepingWorker>();
        // No per-request logging handlers: the worker logs outcomes itself, and the scopes cost on every event.
        services.AddHttpClient(WebhookWorker.SandboxClient)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.AddHttpClient(WebhookWorker.LiveClient)
            .RemoveAllLoggers()
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
                ConnectCallback = WebhookWorker.ConnectPublicOnlyAsync,
            });
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]) && string.IsNullOrEmpty(builder.Configuration["https_ports"]))
        {
            // Loopback by default: a sandbox is not exposed until the operator says so (--urls / ASPNETCORE_URLS).
            builder.WebHost.UseUrls(DefaultUrl);
        }

        var inline = InlineScheduling(builder.Configuration, Environment.GetEnvironmentVariable("DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"));
        builder.WebHost.UseSockets(o => o.UnsafePreferInlineScheduling = inline);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = HttpPlumbing.MaxBodyBytes;
        });
        return builder;
    }

    /// <summary>
    /// <c>Lisoloo:InlineScheduling</c>: whether Kestrel runs a connection's next step on the thread that finished the
    /// previous one (parse after the read, send after the response is written) instead of queueing it to its I/O queues.
    /// Two fewer thread-pool hand-offs per request: ~7 % more accepts per second and ~8 % less CPU per request on two
    /// cores (tests/Lisoloo.Benchmarks/README.md). Kestrel calls it unsafe because, when the runtime also completes
    /// socket operations on its epoll thread (<c>DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1</c>), request code would
    /// then run on that one thread and a slow request would stall every connection. Without that variable socket
    /// completions still go to the thread pool, so request code never runs on the epoll thread; with it, the default
    /// here is off. An explicit setting wins either way.
    /// </summary>
    internal static bool InlineScheduling(IConfiguration configuration, string? inlineCompletions) =>
        configuration.GetValue<bool?>(ServerOptions.Section + ":InlineScheduling")
            ?? !(inlineCompletions == "1" || string.Equals(inlineCompletions, "true", StringComparison.OrdinalIgnoreCase));

    /// <summary>The request pipeline and endpoints.</summary>
    public static WebApplication UseLisolooServer(this WebApplication app)
    {
        app.UseLisolooErrors();
        app.MapLisolooOpenApi();
        SmsApi.Map(app);
        var store = app.Services.GetRequiredService<ILisolooStore>();
        app.Services.GetRequiredService<ServerMetrics>().ObserveQueues(store.CountPendingDeliveriesAsync, () => store.WriteQueueDepth);
        return app;
    }
}
