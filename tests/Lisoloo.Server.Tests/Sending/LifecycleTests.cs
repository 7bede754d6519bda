using Lisoloo.Server.Lifecycle;

namespace Lisoloo.Server.Tests.Sending;

/// <summary>The aggregate status rule of docs/server.md, table-driven.</summary>
[TestFixture]
public sealed class LifecycleTests
{
    [TestCase("active", "delivered=2", "delivered")]
    [TestCase("active", "delivered=1,undelivered=3", "delivered")]
    [TestCase("active", "undelivered=2,expired=3", "expired")]
    [TestCase("active", "undelivered=2,expired=2", "undelivered")]
    [TestCase("active", "rejected=1,failed=1", "rejected")]
    [TestCase("active", "cancelled=4", "cancelled")]
    [TestCase("active", "cancelled=1,failed=1", "failed")]
    [TestCase("active", "delivered=5,sent=1", "sent")]
    [TestCase("active", "sent=3,queued=1,delivered=2", "queued")]
    [TestCase("active", "pending=1,processing=2", "pending")]
    [TestCase("active", "accepted=1,unknown=1", "accepted")]
    [TestCase("active", "delivered=2,scheduled=4", "scheduled")]
    [TestCase("active", "paused=2", "scheduled")]
    [TestCase("paused", "delivered=2,paused=4", "paused")]
    [TestCase("active", "", "pending")]
    public void Aggregate_follows_the_documented_rule(string sendState, string counts, string expected)
    {
        var map = counts.Split(',', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('='))
            .ToDictionary(p => p[0], p => int.Parse(p[1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(StatusRules.Aggregate(sendState, map), Is.EqualTo(expected));
    }

    [TestCase("scheduled", "scheduled")]
    [TestCase("paused", "paused")]
    [TestCase("cancelled", "cancelled")]
    [TestCase("skipped", "cancelled")]
    [TestCase("released", "pending")]
    public void Unreleased_occurrences_show_their_state(string stored, string shown) =>
        Assert.That(StatusRules.OccurrenceState(stored), Is.EqualTo(shown));
}
