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
