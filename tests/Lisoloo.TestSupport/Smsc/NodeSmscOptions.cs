namespace Lisoloo.TestSupport.Smsc;

/// <summary>How <see cref="NodeSmsc.StartAsync"/> starts the test SMSC.</summary>
public sealed class NodeSmscOptions
{
    /// <summary>Gets the system_id binds must carry; <c>lisoloo</c> by default.</summary>
    public string SystemId { get; init; } = "lisoloo";

    /// <summary>Gets the password binds must carry; <c>secret</c> by default.</summary>
    public string Password { get; init; } = "secret";

    /// <summary>Gets the SMPP port on 127.0.0.1; 0 (the default) lets the SMSC take a free one.</summary>
    public int SmppPort { get; init; }

    /// <summary>Gets the HTTP control port on 127.0.0.1; 0 (the default) lets the SMSC take a free one.</summary>
    public int ControlPort { get; init; }

    /// <summary>Gets a value indicating whether the SMSC logs every PDU to stderr (see <see cref="NodeSmsc.Output"/>); slow.</summary>
    public bool Verbose { get; init; }

    /// <summary>Gets how long to wait for the SMSC to print its ports; 20 s by default.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
