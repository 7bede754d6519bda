namespace Lisoloo.Server.Carriers.Sandbox;

/// <summary>
/// What the sandbox does with a recipient: refuse it at submit (with an error), or take it and announce the final state
/// of its receipt after one of the delays.
/// </summary>
internal readonly record struct SandboxOutcome(string? ReceiptState, SandboxDelay Delay, int? RefusedCode = null, string? RefusedMessage = null)
{
    /// <summary>Gets a value indicating whether the sandbox refuses the recipient at submit (failed and refunded).</summary>
    public bool Refused => RefusedCode is not null;
}
