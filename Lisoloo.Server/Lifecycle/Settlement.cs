namespace Lisoloo.Server.Lifecycle;

/// <summary>What a message becomes once its parts' receipts say so: the state, and what is stored and sent with it.</summary>
/// <param name="State">The new state (<see cref="DeliveryStates"/>).</param>
/// <param name="ErrorCode">The delivery-outcome code (1510–1519), for a failure or <c>unknown</c>.</param>
/// <param name="ErrorMessage">Its text.</param>
/// <param name="CarrierError">The carrier's own words, kept beside the code.</param>
internal sealed record Settlement(string State, int? ErrorCode, string? ErrorMessage, string? CarrierError)
{
    /// <summary>Gets whether the new state is final (<c>final_at</c> is set).</summary>
    public bool IsFinal => DeliveryStates.IsCarrierFinal(State);
}
