namespace Lisoloo.Server.Workers;

/// <summary>Runs one claim-and-apply step in a loop: immediately again while there was a full batch, else after a hint or the poll interval.</summary>
internal abstract class LoopWorker(ILogger logger, TimeProvider time) : BackgroundService
{
    protected TimeProvider Time => time;

    /// <summary>One step; returns true when more work is probably waiting right now.</summary>
    protected abstract Task<bool> StepAsync(CancellationToken stoppingToken);

    /// <summary>How long to sleep: until <paramref name="dueAtMs"/> (unix ms) when that is sooner than <paramref name="poll"/>.</summary>
    protected TimeSpan SleepUntil(long? dueAtMs, TimeSpan poll)
    {
        if (dueAtMs is not { } at)
        {
            return poll;
        }

        var until = DateTimeOffset.FromUnixTimeMilliseconds(at) - time.GetUtcNow();
        return until < TimeSpan.Zero ? TimeSpan.Zero : until < poll ? until : poll;
    }

    /// <summary>Waits for a hint or the poll interval.</summary>
    protected abstract Task IdleAsync(CancellationToken stoppingToken);

    /// <summary>How long to let work gather after an idle wait before the next step (see <c>WorkerOptions.Linger</c>).</summary>
    protected virtual TimeSpan Linger => TimeSpan.Zero;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var failures = new WorkerFailures(logger, GetType().Name);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var more = await StepAsync(stoppingToken).ConfigureAwait(false);
                failures.Succeeded();
                if (!more)
                {
                    await IdleAsync(stoppingToken).ConfigureAwait(false);
                    if (Linger > TimeSpan.Zero)
                    {
                        // Real time on purpose: batching is a cost device, not business time (a test's fake clock would never let it end).
                        await Task.Delay(Linger, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                await Task.Delay(failures.Failed(ex), time, stoppingToken).ConfigureAwait(false);
            }
        }
    }
}
