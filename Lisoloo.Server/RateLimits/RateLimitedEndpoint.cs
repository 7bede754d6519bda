namespace Lisoloo.Server.RateLimits;

/// <summary>The rate-limited endpoint families of docs/contract.md.</summary>
internal enum RateLimitedEndpoint
{
    Send,
    Status,
    Balance,
    Calculate,
    Actions,
}
