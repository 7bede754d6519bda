namespace Lisoloo.Server.Configuration;

/// <summary>Root of the server's configuration, bound from the <c>Lisoloo</c> section (env: <c>Lisoloo__…</c>).</summary>
internal sealed class ServerOptions
{
    public const string Section = "Lisoloo";

    public StoreOptions Store { get; set; } = new();

    public SandboxOptions Sandbox { get; set; } = new();

    public WebhookOptions Webhooks { get; set; } = new();

    public RateLimitOptions RateLimits { get; set; } = new();

    public WorkerOptions Workers { get; set; } = new();

    public BootstrapOptions Bootstrap { get; set; } = new();

    public SmppOptions Smpp { get; set; } = new();

    /// <summary>Base64 of 32 bytes used to encrypt webhook secrets and passwords at rest; generated into the data folder when absent.</summary>
    public string? MasterKey { get; set; }

    /// <summary>
    /// The carrier of live keys: <c>smpp</c> when SMPP connections are configured (the default then); none by default
    /// otherwise, so live sends wait with error 1502 on <c>/health</c>.
    /// </summary>
    public string? LiveCarrier { get; set; }

    /// <summary>The live carrier in force: <see cref="LiveCarrier"/>, else <c>smpp</c> when connections are configured.</summary>
    public string? EffectiveLiveCarrier => LiveCarrier ?? (Smpp.Connections.Count > 0 ? "smpp" : null);
}

internal sealed class StoreOptions
{
    /// <summary>The SQLite provider (default): one node, an embedded file.</summary>
    public const string Sqlite = "sqlite";

    /// <summary>The PostgreSQL provider: several nodes over one database.</summary>
    public const string Postgres = "postgres";

    /// <summary><c>sqlite</c> (default: one node, embedded) or <c>postgres</c> (several nodes over one database; see docs/server.md).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// Connection string. SQLite: default <c>Data Source={DataDirectory}/lisoloo.db</c>. PostgreSQL: required, an
    /// Npgsql connection string (<c>Host=…;Database=…;Username=…;Password=…</c>).
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>Folder for the SQLite database and the generated master key; default <c>./data</c>.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Most accepts committed in one group-commit transaction (per node on PostgreSQL).</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>True when <see cref="Provider"/> names PostgreSQL.</summary>
    public bool IsPostgres => string.Equals(Provider, Postgres, StringComparison.OrdinalIgnoreCase);

    /// <summary>What is wrong with these settings, one line each; empty when they are usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (!string.Equals(Provider, Sqlite, StringComparison.OrdinalIgnoreCase) && !IsPostgres)
        {
            yield return $"Lisoloo:Store:Provider must be '{Sqlite}' or '{Postgres}', not '{Provider}'.";
        }

        if (IsPostgres && string.IsNullOrWhiteSpace(ConnectionString))
        {
            yield return "Lisoloo:Store:ConnectionString is required with Lisoloo:Store:Provider=postgres (an Npgsql connection string: Host=…;Database=…;Username=…;Password=…).";
        }
    }
}

/// <summary>Refuses unusable store settings when the options are first read (at start), with the setting's name.</summary>
internal sealed class StoreOptionsValidator : Microsoft.Extensions.Options.IValidateOptions<ServerOptions>
{
    public Microsoft.Extensions.Options.ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var problems = options.Store.Problems().ToList();
        if (options.Store.IsPostgres && string.IsNullOrWhiteSpace(options.MasterKey))
        {
            // A master.key generated per node would leave each node unable to decrypt the webhook secrets the others stored.
            problems.Add("Lisoloo:MasterKey is required with Lisoloo:Store:Provider=postgres: every node must decrypt the webhook secrets any node stored (base64 of 32 bytes, the same on every node).");
        }

        return problems.Count == 0
            ? Microsoft.Extensions.Options.ValidateOptionsResult.Success
            : Microsoft.Extensions.Options.ValidateOptionsResult.Fail(problems);
    }
}

internal sealed class SandboxOptions
{
    /// <summary>Delay before an ordinary sandbox number is delivered.</summary>
    public TimeSpan DeliveryDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delay for +99900000005 (delivered late).</summary>
    public TimeSpan SlowDeliveryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Delay before the failure receipts (undelivered, expired, rejected).</summary>
    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromSeconds(1);
}

internal sealed class WebhookOptions
{
    /// <summary>Delays before attempts 2, 3 and 4 (4 attempts in all); jitter of ±20 % is applied.</summary>
    public TimeSpan[]? RetryDelays { get; set; }

    /// <summary>The delays in force: the configured ones, else 30 s, 2 min, 8 min (4 attempts in all).</summary>
    public IReadOnlyList<TimeSpan> EffectiveRetryDelays => RetryDelays is { Length: > 0 } d ? d : [TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(8)];

    /// <summary>Timeout of one delivery attempt.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Allow callback and webhook URLs on loopback/private addresses for live keys (development only).</summary>
    public bool AllowPrivateTargets { get; set; }

    /// <summary>Deliveries in flight at once.</summary>
    public int Concurrency { get; set; } = 32;
}

internal sealed class RateLimitOptions
{
    public int SendPerMinute { get; set; } = 60;

    public int StatusPerMinute { get; set; } = 120;

    public int BalancePerMinute { get; set; } = 30;

    public int CalculatePerMinute { get; set; } = 30;

    /// <summary>Cancel, pause and resume share one budget.</summary>
    public int ActionsPerMinute { get; set; } = 60;
}

internal sealed class WorkerOptions
{
    /// <summary>Longest idle wait of a worker between polls (they are also woken by hints).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Rows claimed per batch.</summary>
    public int BatchSize { get; set; } = 250;

    /// <summary>How long a claim holds before another worker may take the row.</summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Claimed batches a network carrier (SMPP) may have in flight at once, so claiming does not wait for the SMSC.</summary>
    public int SubmitConcurrency { get; set; } = 4;

    /// <summary>When a delivery the carrier could not take right now (a temporary refusal, no bound route) is tried again.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long the dispatch, receipt and webhook workers let work gather after a hint before claiming it (real time,
    /// not the store's clock). Under load a step then carries hundreds of rows instead of a handful, which is what keeps
    /// the workers' cost per message low; it adds at most this much to each hand-off. Zero claims at once.
    /// </summary>
    public TimeSpan Linger { get; set; } = TimeSpan.FromMilliseconds(20);
}

internal sealed class BootstrapOptions
{
    /// <summary>Create a sandbox merchant and print its test key when the store has no key.</summary>
    public bool CreateSandboxKey { get; set; } = true;

    public string Merchant { get; set; } = "sandbox";

    public decimal Balance { get; set; } = 100m;

    public decimal UnitPrice { get; set; } = 0.02m;

    public string Currency { get; set; } = "USD";
}
