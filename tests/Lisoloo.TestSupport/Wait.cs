using System.Diagnostics;

namespace Lisoloo.TestSupport;

/// <summary>Waits on a condition with a deadline: no sleep-and-hope.</summary>
public static class Wait
{
    /// <summary>Polls <paramref name="condition"/> until it is true or <paramref name="timeout"/> passes, then fails with <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, TimeSpan? poll = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var watch = Stopwatch.StartNew();
        var interval = poll ?? TimeSpan.FromMilliseconds(25);
        while (true)
        {
            if (await condition().ConfigureAwait(false))
            {
                return;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0.#} s waiting for: {what}");
            }

            await Task.Delay(interval).ConfigureAwait(false);
        }
    }

    /// <summary>Polls a synchronous condition.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, TimeSpan? poll = null)
        => UntilAsync(() => Task.FromResult(condition()), timeout, what, poll);
}
