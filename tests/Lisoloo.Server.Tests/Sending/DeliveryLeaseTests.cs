using Lisoloo.Server.Workers;
using Microsoft.Extensions.Time.Testing;

namespace Lisoloo.Server.Tests.Sending;

/// <summary>How a dispatcher batch counts its lease: a sixth of it kept as a margin, renewals move it on, lost rows stay lost.</summary>
[TestFixture]
public sealed class DeliveryLeaseTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(6);

    [Test]
    public void A_lease_holds_until_a_sixth_of_it_is_left_and_a_renewal_moves_that_on()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var lease = new DeliveryLease(time, Lease, time.GetUtcNow());

        time.Advance(TimeSpan.FromSeconds(5) - TimeSpan.FromTicks(1));
        Assert.That(lease.Holds(1), Is.True, "just under five sixths in");
        time.Advance(TimeSpan.FromTicks(1));
        Assert.That(lease.Holds(1), Is.False, "a sixth left: too close to the end to start a submit");

        lease.Renewed(time.GetUtcNow(), Lease, []);
        Assert.That(lease.Holds(1), Is.True, "renewed from now");
    }

    [Test]
    public void A_row_a_renewal_found_gone_never_holds_again()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 8, 0, 0, 0, TimeSpan.Zero));
        var lease = new DeliveryLease(time, Lease, time.GetUtcNow());

        lease.Renewed(time.GetUtcNow(), Lease, [2]);
        lease.Renewed(time.GetUtcNow(), Lease, []);
        Assert.Multiple(() =>
        {
            Assert.That(lease.Holds(1), Is.True);
            Assert.That(lease.Holds(2), Is.False, "another node may have it");
            Assert.That(lease.LostCount, Is.EqualTo(1));
        });
    }
}
