using Lisoloo.Server.Carriers.Smpp;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>The bound on parts a connection has on the wire without a stored outcome: weighted, first come first served, cancellable.</summary>
[TestFixture]
public sealed class UnrecordedGateTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(5);

    [Test]
    public async Task Takes_up_to_its_capacity_then_waits_until_a_hold_is_released()
    {
        var gate = new UnrecordedGate(3);
        var a = await gate.AcquireAsync(2, CancellationToken.None);
        var b = await gate.AcquireAsync(1, CancellationToken.None);
        var waiting = gate.AcquireAsync(1, CancellationToken.None).AsTask();
        Assert.Multiple(() =>
        {
            Assert.That(gate.Taken, Is.EqualTo(3));
            Assert.That(waiting.IsCompleted, Is.False, "no slot is free");
        });

        b.Dispose();
        var c = await waiting.WaitAsync(Deadline);
        Assert.That(gate.Taken, Is.EqualTo(3), "the released slot went straight to the waiter");
        a.Dispose();
        c.Dispose();
        Assert.That(gate.Taken, Is.Zero);
    }

    [Test]
    public async Task A_hold_released_twice_gives_its_slots_back_once()
    {
        var gate = new UnrecordedGate(2);
        var a = await gate.AcquireAsync(2, CancellationToken.None);
        a.Dispose();
        a.Dispose();
        Assert.That(gate.Taken, Is.Zero);
        var b = await gate.AcquireAsync(2, CancellationToken.None);
        Assert.That(gate.Taken, Is.EqualTo(2), "not 2 more than the capacity");
        b.Dispose();
    }

    [Test]
    public async Task A_request_larger_than_the_capacity_takes_the_whole_gate_instead_of_waiting_forever()
    {
        var gate = new UnrecordedGate(2);
        var big = await gate.AcquireAsync(5, CancellationToken.None).AsTask().WaitAsync(Deadline);
        Assert.That((big.Count, gate.Taken), Is.EqualTo((2, 2)));
        big.Dispose();
    }

    [Test]
    public async Task Waiters_are_served_in_order_and_a_large_one_is_not_starved_by_small_ones()
    {
        var gate = new UnrecordedGate(3);
        var first = await gate.AcquireAsync(2, CancellationToken.None);
        var large = gate.AcquireAsync(3, CancellationToken.None).AsTask();
        var small = gate.AcquireAsync(1, CancellationToken.None).AsTask();
        Assert.That(small.IsCompleted, Is.False, "one slot is free, but the large request came first");

        first.Dispose();
        var l = await large.WaitAsync(Deadline);
        Assert.That(small.IsCompleted, Is.False, "the large request holds all three");
        l.Dispose();
        (await small.WaitAsync(Deadline)).Dispose();
        Assert.That(gate.Taken, Is.Zero);
    }

    [Test]
    public async Task A_cancelled_waiter_takes_nothing_and_lets_those_behind_it_through()
    {
        var gate = new UnrecordedGate(2);
        var first = await gate.AcquireAsync(1, CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var large = gate.AcquireAsync(2, cancel.Token).AsTask();
        var small = gate.AcquireAsync(1, CancellationToken.None).AsTask();
        Assert.That(small.IsCompleted, Is.False, "queued behind the large request");

        await cancel.CancelAsync();
        Assert.That(async () => await large, Throws.InstanceOf<OperationCanceledException>());
        var s = await small.WaitAsync(Deadline);
        Assert.That(gate.Taken, Is.EqualTo(2));
        first.Dispose();
        s.Dispose();
        Assert.That(gate.Taken, Is.Zero, "the cancelled request left no slot taken");
    }

    [Test]
    public async Task Multi_part_messages_contending_for_a_small_gate_all_get_through()
    {
        // Each message takes all its parts' slots at once: four 3-part messages on a gate of 4 never hold parts of each
        // other's needs (taken one part at a time they could, and would wait for each other forever).
        var gate = new UnrecordedGate(4);
        var done = 0;
        var tasks = Enumerable.Range(0, 40).Select(async _ =>
        {
            using var hold = await gate.AcquireAsync(3, CancellationToken.None);
            Assert.That(gate.Taken, Is.LessThanOrEqualTo(4));
            await Task.Yield();
            Interlocked.Increment(ref done);
        }).ToList();

        await Task.WhenAll(tasks).WaitAsync(Deadline);
        Assert.That((done, gate.Taken), Is.EqualTo((40, 0)));
    }
}
