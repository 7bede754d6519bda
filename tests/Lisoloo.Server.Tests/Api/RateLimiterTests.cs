using Lisoloo.Server.Api;
using Lisoloo.Server.RateLimits;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Server.Tests.Api;

/// <summary>The in-memory windows of the SQLite provider's rate limiter, where its housekeeping trim races requests.</summary>
[TestFixture]
public sealed class RateLimiterTests
{
    [Test]
    public void A_request_racing_the_trim_at_a_minute_boundary_is_counted_in_the_window_that_stays()
    {
        const int Keys = 16;
        const int Rounds = 2_000;
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 6, 1, 8, 0, 30, TimeSpan.Zero));
        var limiter = new RateLimiter(clock);
        var allowed = new int[Keys];
        var wrong = new List<string>();
        using var start = new Barrier(3);
        using var end = new Barrier(3);

        // Two request threads and the trim, released together at every minute boundary: each round, every key (limit 1)
        // gets two requests while its stale window is being dropped, and exactly one of the two may pass.
        void Requests()
        {
            for (var r = 0; r < Rounds; r++)
            {
                start.SignalAndWait(TimeSpan.FromSeconds(10));
                for (var key = 0; key < Keys; key++)
                {
                    if (limiter.Acquire(key, RateLimitedEndpoint.Send, 1).Allowed)
                    {
                        Interlocked.Increment(ref allowed[key]);
                    }
                }

                end.SignalAndWait(TimeSpan.FromSeconds(10));
            }
        }

        var threads = new[] { new Thread(Requests), new Thread(Requests) };
        foreach (var thread in threads)
        {
            thread.Start();
        }

        for (var round = 0; round < Rounds; round++)
        {
            clock.Advance(TimeSpan.FromMinutes(1)); // every window is now stale
            start.SignalAndWait(TimeSpan.FromSeconds(10));
            limiter.Trim();
            end.SignalAndWait(TimeSpan.FromSeconds(10));
            for (var key = 0; key < Keys; key++)
            {
                if (allowed[key] != 1 && wrong.Count < 10)
                {
                    wrong.Add($"round {round}, key {key}: {allowed[key]}");
                }

                allowed[key] = 0;
            }
        }

        foreach (var thread in threads)
        {
            Assert.That(thread.Join(TimeSpan.FromSeconds(30)), Is.True);
        }

        Assert.That(wrong, Is.Empty, "requests let through in a minute with a limit of one");
    }
}
