namespace Lisoloo.Server.Lifecycle;

/// <summary>An action on a send refused by its rules: a catalogue code (1401–1404) and its text.</summary>
internal sealed class SendActionRefusedException(int errorCode, string message) : RefusedException(errorCode, message);
