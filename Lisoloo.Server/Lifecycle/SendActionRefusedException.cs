namespace Lisoloo.Server.Lifecycle;

/// <summary>An action on a send refused by its rules: a catalogue code (1401–1404) and its text.</summary>
internal sealed class SendActionRefusedException(int errorCode, string message) : Exception(message)
{
    /// <summary>Gets the catalogue code: 1401 not found, 1402 cannot cancel, 1403 cannot pause, 1404 cannot resume.</summary>
    public int ErrorCode { get; } = errorCode;
}
