namespace Lisoloo.Server.RateLimits;

/// <summary>The state of one key's window after a request was counted (or refused).</summary>
internal readonly record struct RateLimitDecision(bool Allowed, int Limit, int Remaining, int ResetSeconds);
