namespace Lisoloo.Server.Storage;

/// <summary>
/// The whole store: one implementation per provider (<c>Sqlite/</c>, <c>Postgres/</c>), registered once and handed to
/// each consumer as the role it needs. Anything that would be network I/O on a server database is asynchronous; the
/// embedded SQLite provider completes its reads synchronously (<see cref="ValueTask"/>), so its hot paths cost no more.
/// </summary>
internal interface ILisolooStore : IKeyStore, IAccountStore, ISendStore, IDeliveryStore, ICarrierStore, IEventStore, IStoreHealth
{
    /// <summary>
    /// Creates or migrates the schema (once per process; safe when several nodes start at once). Every operation also
    /// waits for it, so calling this is only how a start fails early on an unreachable or newer database.
    /// </summary>
    Task InitializeAsync(CancellationToken cancellationToken = default);
}
