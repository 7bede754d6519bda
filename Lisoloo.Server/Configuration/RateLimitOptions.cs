namespace Lisoloo.Server.Configuration;

internal sealed class RateLimitOptions
{
    public int SendPerMinute { get; set; } = 60;

    public int StatusPerMinute { get; set; } = 120;

    public int BalancePerMinute { get; set; } = 30;

    public int CalculatePerMinute { get; set; } = 30;

    /// <summary>Cancel, pause and resume share one budget.</summary>
    public int ActionsPerMinute { get; set; } = 60;
}
