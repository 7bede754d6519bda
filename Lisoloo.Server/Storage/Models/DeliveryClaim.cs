namespace Lisoloo.Server.Storage;

/// <summary>
/// One dispatcher claim: the rows leased for an asynchronous carrier (<paramref name="ToSubmit"/>), how many rows were
/// claimed in all, and per in-process carrier how many of them it already took or refused (<paramref name="Inline"/>).
/// </summary>
internal sealed record DeliveryClaim(IReadOnlyList<ClaimedDelivery> ToSubmit, int Claimed, IReadOnlyList<(string Carrier, int Sent, int Refused)> Inline)
{
    public static readonly DeliveryClaim None = new([], 0, []);
}
