namespace Lisoloo.Server.Storage;

/// <summary>The rules every provider applies to <c>Idempotency-Key</c> records.</summary>
internal static class Idempotency
{
    /// <summary>How long an idempotency record answers for its key.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);
}
