namespace Lisoloo.Server.Storage;

/// <summary>Bounds every provider applies.</summary>
internal static class StoreLimits
{
    /// <summary>Rows of <c>GET /status</c> beyond this many recipients × occurrences are summarised by counts only.</summary>
    public const int MaxStatusRows = 10_000;
}
