namespace Lisoloo.Server.Storage;

/// <summary>Balances and the ledger: money moves only with its ledger row, in the same transaction.</summary>
internal interface IAccountStore
{
    /// <summary>The account's balance, by id; null when there is no such account.</summary>
    ValueTask<AccountBalance?> GetBalanceAsync(long accountId, CancellationToken cancellationToken = default);

    /// <summary>The account's balance, by merchant name and environment; null when there is no such account.</summary>
    ValueTask<AccountBalance?> GetBalanceAsync(string merchant, string environment, CancellationToken cancellationToken = default);

    /// <summary>Adds credit with its ledger row. Returns the new balance, or null when the account does not exist.</summary>
    Task<AccountBalance?> TopUpAsync(string merchant, string environment, long micros, CancellationToken cancellationToken = default);

    /// <summary>Balance and reserved amount rebuilt from the ledger alone (the consistency check of tests and operators).</summary>
    ValueTask<(long Balance, long Reserved)> LedgerTotalsAsync(long accountId, CancellationToken cancellationToken = default);
}
