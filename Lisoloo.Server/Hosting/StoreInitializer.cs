using Lisoloo.Server.Storage;

namespace Lisoloo.Server.Hosting;

/// <summary>Brings the store's schema up to date when the server starts, so a bad connection or a newer schema stops the start with its reason.</summary>
internal sealed class StoreInitializer(ILisolooStore store) : IHostedService
{
    /// <summary>Creates or migrates the schema before the workers and the API start.</summary>
    public Task StartAsync(CancellationToken cancellationToken) => store.InitializeAsync(cancellationToken);

    /// <summary>Nothing to stop.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
