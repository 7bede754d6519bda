namespace Lisoloo.Server.Storage;

/// <summary>How a batch of part receipts was applied.</summary>
/// <param name="Matched">Receipts whose part was found.</param>
/// <param name="Held">Receipts whose part is not stored yet: kept, and applied when it is.</param>
/// <param name="Transitions">Delivery state changes they caused.</param>
internal readonly record struct ReceiptApplyCounts(int Matched, int Held, int Transitions);
