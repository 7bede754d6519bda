using Lisoloo.Server.Configuration;
using Lisoloo.Server.RateLimits;
using Lisoloo.Server.Storage;
using Lisoloo.Server.Storage.Postgres;
using Lisoloo.Server.Storage.Sqlite;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Hosting;

/// <summary>Registers the store of the configured provider (<c>Lisoloo:Store:Provider</c>) under each of its roles.</summary>
internal static class StorageRegistration
{
    /// <summary>
    /// The provider's store as <see cref="ILisolooStore"/> and as every role interface, and the rate limiter that fits it
    /// (in memory for one SQLite node, in the database for PostgreSQL nodes). Only the configured provider is ever built.
    /// </summary>
    public static IServiceCollection AddLisolooStorage(this IServiceCollection services)
    {
        services.AddSingleton<IValidateOptions<ServerOptions>, StoreOptionsValidator>();
        services.AddSingleton<StoreOutageMonitor>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ServerOptions>>().Value;
            var connectionString = o.Store.ConnectionString ?? $"Data Source={Path.Combine(o.Store.DataDirectory, "lisoloo.db")}";
            return new SqliteDatabase(connectionString, o.Store.MaxBatch, sp.GetRequiredService<ILoggerFactory>().CreateLogger<SqliteDatabase>(), sp.GetRequiredService<StoreOutageMonitor>());
        });
        services.AddSingleton<SqliteStore>();
        services.AddSingleton(sp =>
        {
            var o = sp.GetRequiredService<IOptions<ServerOptions>>().Value.Store;
            var loggers = sp.GetRequiredService<ILoggerFactory>();
            return new PostgresStore(new PostgresDatabase(o.ConnectionString!, loggers.CreateLogger<PostgresDatabase>(), sp.GetRequiredService<StoreOutageMonitor>()),
                sp.GetRequiredService<TimeProvider>(), o.MaxBatch, loggers.CreateLogger<PostgresStore>());
        });
        services.AddSingleton<ILisolooStore>(sp => IsPostgres(sp) ? sp.GetRequiredService<PostgresStore>() : sp.GetRequiredService<SqliteStore>());
        services.AddSingleton<IKeyStore>(sp => sp.GetRequiredService<ILisolooStore>());
        services.AddSingleton<IAccountStore>(sp => sp.GetRequiredService<ILisolooStore>());
        services.AddSingleton<ISendStore>(sp => sp.GetRequiredService<ILisolooStore>());
        services.AddSingleton<IDeliveryStore>(sp => sp.GetRequiredService<ILisolooStore>());
        services.AddSingleton<ICarrierStore>(sp => sp.GetRequiredService<ILisolooStore>());
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<ILisolooStore>());
        services.AddSingleton<IStoreHealth>(sp => sp.GetRequiredService<ILisolooStore>());
        services.AddSingleton<IRateLimiter>(sp => IsPostgres(sp)
            ? new PostgresRateLimiter(sp.GetRequiredService<PostgresStore>(), sp.GetRequiredService<TimeProvider>())
            : new RateLimiter(sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    private static bool IsPostgres(IServiceProvider sp) => sp.GetRequiredService<IOptions<ServerOptions>>().Value.Store.IsPostgres;
}
