namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>Runs many queued items in one go inside the group transaction.</summary>
internal interface IGroupWriter<TItem, TResult>
{
    /// <summary>
    /// Writes <paramref name="items"/> (in queue order) and fills <paramref name="outcomes"/>: a result, or an
    /// <see cref="Lifecycle.RefusedException"/> for an item refused before anything was written for it. Throwing instead
    /// makes the writer roll the batch back and replay each item alone.
    /// </summary>
    void Run(SqlContext context, IReadOnlyList<TItem> items, GroupOutcome<TResult>[] outcomes);
}
