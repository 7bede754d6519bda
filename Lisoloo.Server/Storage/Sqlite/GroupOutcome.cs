namespace Lisoloo.Server.Storage.Sqlite;

/// <summary>One item's outcome in a group write.</summary>
internal readonly record struct GroupOutcome<TResult>(TResult? Result, Exception? Error);
