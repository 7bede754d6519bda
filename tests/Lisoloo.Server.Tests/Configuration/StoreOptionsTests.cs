using Lisoloo.Server.Configuration;
using Lisoloo.Server.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Lisoloo.Server.Tests.Configuration;

/// <summary>Store settings are refused at start with the setting's name, never half-used.</summary>
[TestFixture]
public sealed class StoreOptionsTests
{
    private static ValidateOptionsResult Validate(string provider, string? connectionString = null, string? masterKey = null) =>
        new StoreOptionsValidator().Validate(null, new ServerOptions
        {
            Store = new StoreOptions { Provider = provider, ConnectionString = connectionString },
            MasterKey = masterKey,
        });

    [Test]
    public void Sqlite_is_the_default_and_needs_nothing_else() =>
        Assert.That(new StoreOptionsValidator().Validate(null, new ServerOptions()).Succeeded, Is.True);

    [Test]
    public void Postgres_needs_a_connection_string_and_a_shared_master_key()
    {
        var result = Validate("postgres");
        Assert.Multiple(() =>
        {
            Assert.That(result.Failed, Is.True);
            Assert.That(result.Failures, Has.Some.Contains("Lisoloo:Store:ConnectionString is required"));
            Assert.That(result.Failures, Has.Some.Contains("Lisoloo:MasterKey is required"));
            Assert.That(Validate("Postgres", "Host=db;Database=lisoloo", "AAAA").Succeeded, Is.True, "the provider name is case-insensitive");
        });
    }

    [Test]
    public void An_unknown_provider_is_refused_by_name() =>
        Assert.That(Validate("mysql").Failures, Has.Some.Contains("Lisoloo:Store:Provider must be 'sqlite' or 'postgres', not 'mysql'"));

    [Test]
    public void A_server_configured_for_postgres_without_a_connection_string_does_not_start()
    {
        var error = Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var server = await TestServer.StartAsync(new Dictionary<string, string?> { ["Lisoloo:Store:Provider"] = "postgres" });
        });
        Assert.That(error!.Message, Does.Contain("Lisoloo:Store:ConnectionString is required"));
    }
}
