using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Sdk.Tests.Http;

/// <summary>
/// A <see cref="FakeTimeProvider"/> that reports every timer armed on it, so a test can see the delay the resilience
/// handler asks for and advance exactly that far: no sleeping, no wall-clock assertions.
/// </summary>
/// <remarks>
/// Timers whose due time is one of <see cref="Ignored"/> (the attempt and total timeouts) are not reported as delays.
/// A timer is reported after it exists, so advancing right after <see cref="NextDelayAsync"/> always fires it.
/// </remarks>
internal sealed class FakeClock : FakeTimeProvider
{
    /// <summary>A whole second, so HTTP dates (one-second resolution) round-trip exactly.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 6, 1, 8, 0, 0, TimeSpan.Zero);

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    private readonly Channel<TimeSpan> _delays = Channel.CreateUnbounded<TimeSpan>();
    private readonly ConcurrentQueue<TimeSpan> _armed = new();

    public FakeClock()
        : base(Epoch)
    {
    }

    /// <summary>Creates a clock that does not report the attempt and total timeouts of <paramref name="options"/> as delays.</summary>
    public static FakeClock For(LisolooResilienceOptions options)
    {
        var clock = new FakeClock();
        clock.Ignored.Add(options.AttemptTimeout);
        clock.Ignored.Add(options.TotalTimeout);
        return clock;
    }

    /// <summary>Gets the due times that are timeouts, not backoff delays.</summary>
    public HashSet<TimeSpan> Ignored { get; } = [];

    /// <summary>Gets every due time armed so far, timeouts included.</summary>
    public IReadOnlyCollection<TimeSpan> Armed => _armed;

    /// <summary>Gets the time elapsed on this clock since <see cref="Epoch"/>.</summary>
    public TimeSpan Elapsed => GetUtcNow() - Epoch;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = new ReportingTimer(this, base.CreateTimer(callback, state, dueTime, period));
        Report(dueTime);
        return timer;
    }

    /// <summary>Waits (with a real deadline) for the next backoff delay to be armed and returns it, without advancing.</summary>
    public async Task<TimeSpan> NextDelayAsync()
    {
        using var cts = new CancellationTokenSource(Deadline);
        try
        {
            return await _delays.Reader.ReadAsync(cts.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"No backoff delay was armed within {Deadline.TotalSeconds} s (armed so far: {string.Join(", ", _armed)}).");
        }
    }

    /// <summary>Waits for the next backoff delay, advances the clock by exactly that much, and returns it.</summary>
    public async Task<TimeSpan> AdvanceThroughNextDelayAsync()
    {
        var delay = await NextDelayAsync();
        Advance(delay);
        return delay;
    }

    /// <summary>Takes the next armed backoff delay, if there is one, without waiting.</summary>
    public bool TryTakeDelay(out TimeSpan delay) => _delays.Reader.TryRead(out delay);

    /// <summary>Completes when a backoff delay is armed; takes nothing, so cancelling it loses nothing.</summary>
    public Task WhenDelayArmedAsync(CancellationToken cancellationToken)
        => _delays.Reader.WaitToReadAsync(cancellationToken).AsTask();

    private void Report(TimeSpan dueTime)
    {
        if (dueTime == Timeout.InfiniteTimeSpan)
        {
            return;
        }

        _armed.Enqueue(dueTime);
        if (!Ignored.Contains(dueTime))
        {
            _delays.Writer.TryWrite(dueTime);
        }
    }

    /// <summary>Reports re-arming too, in case a caller creates a timer first and sets its due time later.</summary>
    private sealed class ReportingTimer(FakeClock clock, ITimer inner) : ITimer
    {
        public bool Change(TimeSpan dueTime, TimeSpan period)
        {
            var changed = inner.Change(dueTime, period);
            clock.Report(dueTime);
            return changed;
        }

        public void Dispose() => inner.Dispose();

        public ValueTask DisposeAsync() => inner.DisposeAsync();
    }
}
