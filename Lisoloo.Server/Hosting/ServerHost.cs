using Lisoloo.Server.Auth;
using Lisoloo.Server.Configuration;
using Lisoloo.Server.Storage;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Hosting;

/// <summary>Builds and runs the HTTP server; on an empty store, creates the sandbox merchant and prints its test key once.</summary>
internal static class ServerHost
{
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        // Configuration is read once at start: reload-on-change would put a recursive file watcher on the content root,
        // which by default holds ./data, so every WAL write would wake the watcher thread. An explicit
        // --hostBuilder:reloadConfigOnChange=true on the command line still turns it back on.
        var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
        builder.AddLisolooServer();
        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseLisolooServer();
        return app;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var app = Build(args);
        await BootstrapAsync(app.Services, Console.Out, cancellationToken).ConfigureAwait(false);
        await app.RunAsync(cancellationToken).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Creates the sandbox key on first run (no key at all in the store) and prints it with its webhook secret.</summary>
    public static async Task<IssuedKey?> BootstrapAsync(IServiceProvider services, TextWriter output, CancellationToken cancellationToken)
    {
        var o = services.GetRequiredService<IOptions<ServerOptions>>().Value.Bootstrap;
        var store = services.GetRequiredService<ILisolooStore>();
        if (!o.CreateSandboxKey || await store.AnyKeyAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        var issued = await services.GetRequiredService<KeyIssuer>().CreateAsync(
            new KeyRequest(o.Merchant, "test", o.Balance, o.UnitPrice, o.Currency), cancellationToken).ConfigureAwait(false);
        await output.WriteLineAsync($"""

            ================================================================================
             Lisoloo sandbox ready (store: {store.Provider} {store.Location})
             merchant:        {issued.Merchant} (test, balance {o.Balance} {o.Currency}, {o.UnitPrice} per SMS)
             test API key:    {issued.ApiKey}
             webhook secret:  {issued.WebhookSecret}
             Shown once: copy them now. More keys: dotnet run --project Lisoloo.Server -- keys create --help
            ================================================================================

            """).ConfigureAwait(false);
        return issued;
    }
}
